"""The actions thx-cron ships: an HTTP request, an allowed management command, and demos."""

from __future__ import annotations

import io
import time
from typing import Any
from urllib.parse import urlsplit

from django.core import management

from thx_cron.actions.programs import check_program, run_program
from thx_cron.actions.registry import ActionError, Registry
from thx_cron.conf import thx_settings
from thx_cron.security import outbound
from thx_cron.security.limits import shown

HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


class HttpStatusError(RuntimeError):
    """The called URL answered with an unexpected status."""


def _check_form(url: str, method: str) -> str:
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ActionError("args", "url must be an http:// or https:// URL.")
    allowed = thx_settings.HTTP_ALLOWED_HOSTS
    if allowed and parts.hostname not in allowed:
        raise ActionError(
            "args", f"url host '{parts.hostname}' is not in THX_CRON_HTTP_ALLOWED_HOSTS."
        )
    if str(method).upper() not in HTTP_METHODS:
        raise ActionError("kwargs", f"method must be one of {', '.join(HTTP_METHODS)}.")
    return parts.hostname


def _check_http(url: str, method: str = "GET", **_: Any) -> None:
    # Checked again on every run (DNS may change): this is for a field-named error when saved.
    refused = outbound.refusal(_check_form(url, method))
    if refused:
        raise ActionError("args", f"url {refused}.")


def http_request(
    url: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: str | None = None,
    timeout: float = 30.0,
    expect_status: int | None = None,
) -> dict[str, Any]:
    """Call a URL through the guarded outbound access point; fail on an error status."""
    _check_form(url, method)
    response = outbound.request(
        method,
        url,
        headers=headers,
        body=body.encode() if body is not None else None,
        timeout=timeout,
        max_bytes=4096,
        allowed_hosts=thx_settings.HTTP_ALLOWED_HOSTS,
    )
    status, text = response.status, response.body.decode(errors="replace")
    print(f"{method.upper()} {url} -> {status}")
    ok = status == expect_status if expect_status is not None else 200 <= status < 400
    if not ok:
        raise HttpStatusError(f"{method.upper()} {url} answered {status}")
    return {"status": status, "body": text}


def _check_command(name: str, *args: Any, **options: Any) -> None:
    if name not in thx_settings.ALLOWED_COMMANDS:
        raise ActionError("args", f"command '{name}' is not in THX_CRON_ALLOWED_COMMANDS.")


def call_command(name: str, *args: Any, **options: Any) -> str:
    """Run an allowed Django management command and return what it printed."""
    _check_command(name)
    out = io.StringIO()
    management.call_command(name, *args, stdout=out, stderr=out, **options)
    text = out.getvalue()
    print(text, end="")
    return text


def echo(message: str) -> str:
    """Print the message and return it."""
    print(message)
    return message


def sleep(seconds: float) -> float:
    """Sleep for the given number of seconds."""
    time.sleep(float(seconds))
    return float(seconds)


def count(to: int = 5, every: float = 1.0) -> int:
    """Print 1 to `to`, one number every `every` seconds: output that visibly streams."""
    for number in range(1, int(to) + 1):
        print(number, flush=True)
        if number < to:
            time.sleep(float(every))
    return int(to)


def _check_count(to: Any = 5, every: Any = 1.0) -> None:
    if not isinstance(to, int) or isinstance(to, bool) or not 1 <= to <= 1000:
        raise ActionError("args", f"to must be a whole number from 1 to 1000 (got {shown(to)}).")
    if not isinstance(every, int | float) or isinstance(every, bool) or not 0 <= every <= 60:
        raise ActionError(
            "args", f"every must be a number of seconds from 0 to 60 (got {shown(every)})."
        )


class DemoFailure(RuntimeError):
    """Raised on purpose by demo.fail."""


def fail(message: str = "demo failure") -> None:
    """Raise an error with the message."""
    raise DemoFailure(message)


# Demo actions are open to every user of a standalone server: they must stay cheap.
DEMO_SLEEP_MAX_SECONDS = 60
DEMO_MESSAGE_MAX_LENGTH = 10_000


def _check_seconds(seconds: Any) -> None:
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or not seconds >= 0:
        raise ActionError("args", "seconds must be a non-negative number.")
    if seconds > DEMO_SLEEP_MAX_SECONDS:
        raise ActionError("args", f"seconds must be at most {DEMO_SLEEP_MAX_SECONDS}.")


def _check_message(message: Any = "") -> None:
    if isinstance(message, str) and len(message) > DEMO_MESSAGE_MAX_LENGTH:
        raise ActionError("args", f"message must be at most {DEMO_MESSAGE_MAX_LENGTH} characters.")


def register_builtins(registry: Registry, demo: bool) -> None:
    """Register the built-in actions, and the demo actions when `demo` is true."""
    registry.register("thx_cron.http_request", http_request, validator=_check_http)
    registry.register("thx_cron.call_command", call_command, validator=_check_command)
    registry.register("thx_cron.run_program", run_program, validator=check_program)
    if demo:
        registry.register("demo.echo", echo, validator=_check_message)
        registry.register("demo.sleep", sleep, validator=_check_seconds)
        registry.register("demo.fail", fail, validator=_check_message)
        registry.register("demo.count", count, validator=_check_count)
