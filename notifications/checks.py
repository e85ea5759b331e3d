"""System checks for notification settings, with stable ids."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from thx_cron_notifications.conf import DEFAULTS


@register()
def check_notification_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from thx_cron_notifications import global_rules

    errors = []
    rules = getattr(settings, "THX_CRON_NOTIFICATION_RULES", [])
    if not isinstance(rules, list | tuple):
        errors.append(
            Error(
                "THX_CRON_NOTIFICATION_RULES must be a list of dicts.",
                id="thx_cron_notifications.E001",
            )
        )
    else:
        errors += [Error(m, id="thx_cron_notifications.E001") for m in global_rules.problems()]
    for name, minimum in (
        ("NOTIFICATION_MAX_ATTEMPTS", 1),
        ("NOTIFICATION_BACKOFF", 0),
        ("NOTIFICATION_MAX_BACKOFF", 0),
        ("NOTIFICATION_TIMEOUT", 0.1),
        ("NOTIFICATION_LOOKBACK", 0),
    ):
        value = getattr(settings, f"THX_CRON_{name}", DEFAULTS[name])
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            errors.append(
                Error(
                    f"THX_CRON_{name} must be a number >= {minimum:g}, got {value!r}.",
                    id="thx_cron_notifications.E002",
                )
            )
    return errors
