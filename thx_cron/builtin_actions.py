"""The actions thx-cron ships: an HTTP request, an allowed management command, and demos."""

from __future__ import annotations

import io
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from django.core import management

from thx_cron.conf import thx_settings
from thx_cron.registry import ActionError, Registry

HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


class HttpStatusError(RuntimeError):
    """The called URL answered with an unexpected status."""


def _check_http(url: str, method: str = "GET", **_: Any) -> None:
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


def http_request(
    url: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: str | None = None,
    timeout: float = 30.0,
    expect_status: int | None = None,
) -> dict[str, Any]:
    """Call a URL and record the response status; fail on an error status."""
    _check_http(url, method)
    data = body.encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method.upper(), headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status = response.status
            text = response.read(4096).decode(errors="replace")
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read(4096).decode(errors="replace")
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
    if demo:
        registry.register("demo.echo", echo, validator=_check_message)
        registry.register("demo.sleep", sleep, validator=_check_seconds)
        registry.register("demo.fail", fail, validator=_check_message)
