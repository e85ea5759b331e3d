"""System checks for notification settings, with stable ids."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, register

from thx_cron_notifications.conf import NotificationSettings as S


@register()
def check_notification_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from thx_cron_notifications import global_rules

    errors = []
    rules = S.RULES.raw()
    if not isinstance(rules, list | tuple):
        errors.append(
            Error(
                "THX_CRON_NOTIFICATION_RULES must be a list of dicts.",
                id="thx_cron_notifications.E001",
            )
        )
    else:
        errors += [Error(m, id="thx_cron_notifications.E001") for m in global_rules.problems()]
    for setting, minimum in (
        (S.MAX_ATTEMPTS, 1),
        (S.BACKOFF, 0),
        (S.MAX_BACKOFF, 0),
        (S.TIMEOUT, 0.1),
        (S.LOOKBACK, 0),
    ):
        value = setting.raw()
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            errors.append(
                Error(
                    f"{setting.name} must be a number >= {minimum:g}, got {value!r}.",
                    id="thx_cron_notifications.E002",
                )
            )
    return errors
