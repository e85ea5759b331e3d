"""Typed, lazily read notification settings (`THX_CRON_NOTIFICATION_*`), each with its default.

The settings notifications shares with thx_cron (BASE_URL, CLUSTER, NOTIFICATION_QUEUE,
METRICS_WINDOW) are read through `thx_cron.conf.thx_settings`.
"""

from __future__ import annotations

from thx_cron.conf import AppSettings, items, number, whole


class NotificationSettings(AppSettings):
    """The settings only thx_cron_notifications reads."""

    PREFIX = "THX_CRON_NOTIFICATION_"

    RULES = items("list[dict]", "Operator rules applied to every job: a list of rule dicts.")
    MAX_ATTEMPTS = whole(5, "Delivery attempts in all.")
    BACKOFF = number(30.0, "The first backoff between delivery attempts, in seconds.")
    MAX_BACKOFF = number(3600.0, "The largest backoff between delivery attempts, in seconds.")
    TIMEOUT = number(10.0, "The longest one send may take, in seconds (Apprise's timeout).")
    LOOKBACK = number(
        120.0, "Events this many seconds old are matched again by the sweep, so none is lost."
    )


notify_settings = NotificationSettings()
