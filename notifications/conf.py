"""Typed, lazily read notification settings (`THX_CRON_NOTIFICATION_*`), each with its default."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Operator rules applied to every job: a list of dicts (see notifications.global_rules).
    "NOTIFICATION_RULES": [],
    # Delivery retries: attempts in all, the first backoff, and the largest backoff, in seconds.
    "NOTIFICATION_MAX_ATTEMPTS": 5,
    "NOTIFICATION_BACKOFF": 30.0,
    "NOTIFICATION_MAX_BACKOFF": 3600.0,
    # The longest one send may take (Apprise call timeout); a hung service fails after this.
    "NOTIFICATION_TIMEOUT": 10.0,
    # The django-q2 queue (an ALT_CLUSTERS name) that sends go to; empty: the default queue.
    "NOTIFICATION_QUEUE": "",
    # Events this recent are matched again by the sweep, so that none committed late is lost.
    "NOTIFICATION_LOOKBACK": 120.0,
}


class _Settings:
    """Read `THX_CRON_<NAME>` from Django settings on each access, falling back to DEFAULTS."""

    def _get(self, name: str) -> Any:
        return getattr(settings, f"THX_CRON_{name}", DEFAULTS[name])

    @property
    def RULES(self) -> list[dict[str, Any]]:  # noqa: N802
        return list(self._get("NOTIFICATION_RULES") or [])

    @property
    def MAX_ATTEMPTS(self) -> int:  # noqa: N802
        return int(self._get("NOTIFICATION_MAX_ATTEMPTS"))

    @property
    def BACKOFF(self) -> float:  # noqa: N802
        return float(self._get("NOTIFICATION_BACKOFF"))

    @property
    def MAX_BACKOFF(self) -> float:  # noqa: N802
        return float(self._get("NOTIFICATION_MAX_BACKOFF"))

    @property
    def QUEUE(self) -> str:  # noqa: N802
        return str(self._get("NOTIFICATION_QUEUE") or "")

    @property
    def TIMEOUT(self) -> float:  # noqa: N802
        return float(self._get("NOTIFICATION_TIMEOUT"))

    @property
    def LOOKBACK(self) -> float:  # noqa: N802
        return float(self._get("NOTIFICATION_LOOKBACK"))


notify_settings = _Settings()
