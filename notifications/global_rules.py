"""Operator rules from THX_CRON_NOTIFICATION_RULES, kept as rule rows without an owner.

Each entry is a dict: name, urls, events, and optionally scope ("all" or "tags"), tags,
min_consecutive_failures, throttle_seconds, title, body, enabled, and the duration thresholds
(slower_than_seconds, ...). Rows whose entry disappeared
from the settings are disabled (not deleted) so that their delivery history stays.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from thx_cron_notifications.conf import notify_settings
from thx_cron_notifications.models import NotificationRule
from thx_cron_notifications.models.rule import validation_errors

# The thresholds of the slow, fast and running_long events, named as on the model.
DURATION_KEYS = (
    "slower_than_seconds",
    "slower_than_median_factor",
    "median_of_last_runs",
    "faster_than_seconds",
    "running_longer_than_seconds",
)
ALLOWED_KEYS = {
    "name",
    "urls",
    "events",
    "scope",
    "tags",
    "min_consecutive_failures",
    "throttle_seconds",
    "title",
    "body",
    "enabled",
    *DURATION_KEYS,
}


def build(entry: Any, position: int) -> tuple[NotificationRule | None, list[str]]:
    """Return the rule an entry describes (unsaved), or the problems with it."""
    where = f"THX_CRON_NOTIFICATION_RULES[{position}]"
    if not isinstance(entry, dict):
        return None, [f"{where} must be a dict, got {type(entry).__name__}."]
    unknown = sorted(set(entry) - ALLOWED_KEYS)
    if unknown:
        return None, [f"{where} has unknown key(s) {', '.join(unknown)}."]
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        return None, [f"{where}.name must be a non-empty string."]
    scope = entry.get("scope", NotificationRule.Scope.ALL)
    if scope not in (NotificationRule.Scope.ALL, NotificationRule.Scope.TAGS):
        return None, [f"{where}.scope must be 'all' or 'tags'."]
    rule = NotificationRule(
        owner=None,
        name=name,
        settings_key=name,
        urls=entry.get("urls"),
        events=entry.get("events"),
        scope=scope,
        tags=entry.get("tags", []),
        min_consecutive_failures=entry.get("min_consecutive_failures", 1),
        throttle_seconds=entry.get("throttle_seconds", 0),
        enabled=bool(entry.get("enabled", True)),
        slower_than_seconds=entry.get("slower_than_seconds"),
        slower_than_median_factor=entry.get("slower_than_median_factor"),
        median_of_last_runs=entry.get("median_of_last_runs", 20),
        faster_than_seconds=entry.get("faster_than_seconds"),
        running_longer_than_seconds=entry.get("running_longer_than_seconds"),
    )
    if "title" in entry:
        rule.title_template = entry["title"]
    if "body" in entry:
        rule.body_template = entry["body"]
    problems: list[str] = []
    for key in DURATION_KEYS:
        value = getattr(rule, key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            problems.append(f"{where}.{key} must be a number.")
            return None, problems
    problems += [f"{where}.{field}: {message}" for field, message in validation_errors(rule)]
    for key in ("min_consecutive_failures", "throttle_seconds"):
        value = getattr(rule, key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.append(f"{where}.{key} must be a whole number >= 0.")
    return (None if problems else rule), problems


def problems() -> list[str]:
    """Return every problem with the configured operator rules."""
    found = [message for i, e in enumerate(notify_settings.RULES) for message in build(e, i)[1]]
    names = [e.get("name") for e in notify_settings.RULES if isinstance(e, dict)]
    duplicates = sorted({str(n) for n in names if names.count(n) > 1})
    if duplicates:
        found.append(f"THX_CRON_NOTIFICATION_RULES has duplicate names: {', '.join(duplicates)}.")
    return found


def sync(using: str = "default") -> list[NotificationRule]:
    """Create or update the operator rules from settings; disable rows no longer configured."""
    fields = (
        "urls",
        "events",
        "scope",
        "tags",
        "min_consecutive_failures",
        "throttle_seconds",
        "title_template",
        "body_template",
        "enabled",
        *DURATION_KEYS,
    )
    kept = []
    with transaction.atomic(using=using):
        for position, entry in enumerate(notify_settings.RULES):
            rule, _ = build(entry, position)
            if rule is None:
                continue  # reported by check thx_cron_notifications.E001
            row, _ = NotificationRule.objects.using(using).update_or_create(
                owner=None,
                settings_key=rule.settings_key,
                defaults={"name": rule.name, **{f: getattr(rule, f) for f in fields}},
            )
            kept.append(row)
        stale = NotificationRule.objects.using(using).filter(owner__isnull=True, enabled=True)
        stale.exclude(settings_key="").exclude(pk__in=[r.pk for r in kept]).update(enabled=False)
    return kept
