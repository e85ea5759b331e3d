"""The one access point to Apprise: validate, mask and send to notification URLs."""

from __future__ import annotations

import apprise

# Our event words -> Apprise's notification types (they pick icons and colours in chat tools).
_TYPES = {
    "succeeded": apprise.NotifyType.SUCCESS,
    "recovered": apprise.NotifyType.SUCCESS,
    "failed": apprise.NotifyType.FAILURE,
    "timed_out": apprise.NotifyType.FAILURE,
    "lost": apprise.NotifyType.FAILURE,
    "missed": apprise.NotifyType.WARNING,
}


class NotifyError(Exception):
    """Sending failed; `permanent` means retrying cannot help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


def _load(url: str) -> apprise.Apprise | None:
    # A fresh instance per call: Apprise throttles per instance, so sharing one would make one
    # slow service delay the sends of others.
    instance = apprise.Apprise()
    return instance if instance.add(url) else None


def validate_url(url: object) -> str | None:
    """Return why `url` is not a usable Apprise URL, or None when it is."""
    if not isinstance(url, str) or not url.strip():
        return "must be a non-empty string"
    if "://" not in url:
        return "is not a URL (expected scheme://…, for example mailto://, slack://, json://)"
    if _load(url.strip()) is None:
        return f"is not a valid Apprise URL for the scheme {url.split('://', 1)[0]!r}"
    return None


def mask(url: str) -> str:
    """Return `url` with its secrets hidden, as Apprise's privacy mode prints it."""
    instance = _load(url)
    if instance is None:
        return f"{url.split('://', 1)[0]}://****" if "://" in url else "****"
    return str(instance[0].url(privacy=True))


def send(url: str, title: str, body: str, kind: str, timeout: float) -> None:
    """Send one message to `url`; raise NotifyError (with the masked URL) when it fails."""
    instance = _load(url)
    if instance is None:
        raise NotifyError(f"{mask(url)}: not a valid Apprise URL", permanent=True)
    result = instance.notify(
        body=body or title,
        title=title,
        notify_type=_TYPES.get(kind, apprise.NotifyType.INFO),
        timeout=timeout,
    )
    if not result:
        raise NotifyError(f"{mask(url)}: {_reason(result)}")


def _reason(result: object) -> str:
    logs = getattr(result, "logs", None)
    messages = [entry.message for entry in logs()] if callable(logs) else []
    status = getattr(getattr(result, "status", None), "name", "FAILURE")
    return " ".join(messages[-3:]) or f"Apprise reported {status}"
