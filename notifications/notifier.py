"""The one access point to Apprise: validate, mask and send to notification URLs.

Sends obey the outbound address policy: the hosts a URL names are vetted when a rule is saved
and again before each send, and every socket Apprise opens while sending is vetted at connect
time (Apprise has no hook for its connections; `thx_cron.security.outbound.guarded` watches them).
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import apprise

from thx_cron.security import outbound
from thx_cron_notifications import masking

# Our event words -> Apprise's notification types (they pick icons and colours in chat tools).
_TYPES = {
    "succeeded": apprise.NotifyType.SUCCESS,
    "recovered": apprise.NotifyType.SUCCESS,
    "failed": apprise.NotifyType.FAILURE,
    "timed_out": apprise.NotifyType.FAILURE,
    "lost": apprise.NotifyType.FAILURE,
    "missed": apprise.NotifyType.WARNING,
}
# Services whose URL "host" is a domain or an id, not a machine they connect to.
_HOST_IS_NOT_A_SERVER = frozenset(
    {"NotifyMailgun", "NotifySendPulse", "NotifySMTP2Go", "NotifySparkPost", "NotifyWeChat"}
)


class NotifyError(Exception):
    """Sending failed; `permanent` means retrying cannot help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


# Apprise logs through the "apprise" logger (the URLs it loads, what it sends, its errors);
# every line is masked, with the secrets of the URL in hand while we call it.
_SECRETS: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar(
    "thx_secrets", default=()
)


class _MaskAppriseLog(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = masking.scrub(record.getMessage(), _SECRETS.get())
        record.args = None
        return True


_MASK_LOG = _MaskAppriseLog()


@contextmanager
def _masking_log(secrets: list[str]) -> Iterator[None]:
    apprise_logger = logging.getLogger("apprise")
    if _MASK_LOG not in apprise_logger.filters:
        apprise_logger.addFilter(_MASK_LOG)
    token = _SECRETS.set(tuple(secrets))
    try:
        yield
    finally:
        _SECRETS.reset(token)


def _load(url: str) -> apprise.Apprise | None:
    # A fresh instance per call: Apprise throttles per instance, so sharing one would make one
    # slow service delay the sends of others.
    instance = apprise.Apprise()
    with _masking_log(masking.secrets_of(url)):
        return instance if instance.add(url) else None


def _servers(plugin: Any) -> list[str]:
    """Return the hosts `plugin` connects to that its URL names (not a SaaS' fixed API host)."""
    smtp = getattr(plugin, "smtp_host", None)
    if smtp:
        return [str(smtp)]
    if type(plugin).__name__ in _HOST_IS_NOT_A_SERVER:
        return []
    if "host" in getattr(plugin, "template_tokens", {}) and plugin.host:
        return [str(plugin.host).strip("[]")]
    return []


def validate_url(url: object) -> str | None:
    """Return why `url` is not a usable Apprise URL or reaches a refused address, else None."""
    if not isinstance(url, str) or not url.strip():
        return "must be a non-empty string"
    if "://" not in url:
        return "is not a URL (expected scheme://…, for example mailto://, slack://, json://)"
    instance = _load(url.strip())
    if instance is None:
        return f"is not a valid Apprise URL for the scheme {url.split('://', 1)[0]!r}"
    for host in _servers(instance[0]):
        refused = outbound.refusal(host)
        if refused:
            return refused
    return None


def _secrets(url: str, instance: apprise.Apprise | None) -> list[str]:
    host_is_secret = instance is not None and not _servers(instance[0])
    return masking.secrets_of(url, host_is_secret=host_is_secret)


@lru_cache(maxsize=256)  # pages of rules and deliveries mask the same few URLs again and again
def mask(url: str) -> str:
    """Return `url` with every secret hidden: Apprise's privacy mode, then masking's rules."""
    instance = _load(url)
    if instance is None:
        return f"{url.split('://', 1)[0]}://{masking.HIDDEN}" if "://" in url else masking.HIDDEN
    return masking.mask_url(str(instance[0].url(privacy=True)))


@lru_cache(maxsize=256)
def _secrets_of(url: str) -> tuple[str, ...]:
    return tuple(_secrets(url, _load(url)))


def mask_text(text: str, urls: list[str]) -> str:
    """Return `text` (an error, a log line) with the secrets of `urls` and any URL masked."""
    if not text:
        return text
    secrets = {secret for url in urls for secret in _secrets_of(url)}
    return masking.scrub(text, sorted(secrets, key=len, reverse=True))


def send(url: str, title: str, body: str, kind: str, timeout: float) -> None:
    """Send one message to `url`; raise NotifyError (with secrets masked) when it fails."""
    instance = _load(url)
    if instance is None:
        raise NotifyError(f"{mask(url)}: not a valid Apprise URL", permanent=True)
    shown = mask(url)
    servers = _servers(instance[0])
    try:
        for host in servers:  # DNS may have changed since the rule was saved
            outbound.vet(host)
    except outbound.OutboundRefused as exc:
        raise NotifyError(f"{shown}: {exc.message}", permanent=True) from None
    except outbound.OutboundError as exc:
        raise NotifyError(f"{shown}: {exc}") from None
    secrets = _secrets(url, instance)
    with _masking_log(secrets), outbound.guarded(allowed_hosts=servers) as refused:
        result = instance.notify(
            body=body or title,
            title=title,
            notify_type=_TYPES.get(kind, apprise.NotifyType.INFO),
            timeout=timeout,
        )
    if refused:
        raise NotifyError(f"{shown}: {refused[0]}", permanent=True)
    if not result:
        raise NotifyError(f"{shown}: {masking.scrub(_reason(result), secrets)}")


def _reason(result: object) -> str:
    logs = getattr(result, "logs", None)
    messages = [entry.message for entry in logs()] if callable(logs) else []
    status = getattr(getattr(result, "status", None), "name", "FAILURE")
    return " ".join(messages[-3:]) or f"Apprise reported {status}"
