"""System checks for thx-cron settings, with stable ids."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.utils.module_loading import import_string

from thx_cron.conf import DEFAULTS
from thx_cron.host_checks import cluster_config


def _number(name: str, minimum: float) -> list[Error]:
    value = getattr(settings, f"THX_CRON_{name}", DEFAULTS[name])
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        return [
            Error(
                f"THX_CRON_{name} must be a number >= {minimum:g}, got {value!r}.",
                id="thx_cron.E001",
            )
        ]
    return []


@register()
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[Error | Warning]:
    errors: list[Error | Warning] = []
    for name, minimum in (
        ("OUTPUT_LIMIT", 1024),
        ("DEFAULT_TIMEOUT", 1),
        ("MAX_TIMEOUT", 1),
        ("HEARTBEAT_SECONDS", 0.1),
        ("LEASE_SECONDS", 1),
        ("DISPATCH_INTERVAL", 0.01),
        ("DISPATCH_BATCH", 1),
        ("REQUEUE_SECONDS", 1),
        ("MISFIRE_GRACE_SECONDS", 0),
        ("RUN_ALL_LIMIT", 1),
        ("RETENTION_DAYS", 0),
        ("RETENTION_FAILED_DAYS", 0),
        ("RETENTION_PER_JOB", 1),
        ("EVENT_RETENTION_DAYS", 0),
    ):
        errors += _number(name, minimum)
    heartbeat = getattr(settings, "THX_CRON_HEARTBEAT_SECONDS", DEFAULTS["HEARTBEAT_SECONDS"])
    lease = getattr(settings, "THX_CRON_LEASE_SECONDS", DEFAULTS["LEASE_SECONDS"])
    if not errors and lease < 2 * heartbeat:
        errors.append(
            Error(
                "THX_CRON_LEASE_SECONDS must be at least twice THX_CRON_HEARTBEAT_SECONDS, "
                "or healthy runs would be declared lost.",
                id="thx_cron.E003",
            )
        )
    actions = getattr(settings, "THX_CRON_ACTIONS", {})
    if not isinstance(actions, dict):
        errors.append(
            Error("THX_CRON_ACTIONS must be a dict of name -> dotted path.", id="thx_cron.E002")
        )
    else:
        for name, path in actions.items():
            try:
                import_string(path)
            except (ImportError, ValueError) as exc:
                errors.append(
                    Error(
                        f"THX_CRON_ACTIONS[{name!r}]: cannot import {path!r}: {exc}",
                        id="thx_cron.E002",
                    )
                )
    for name in ("ALLOWED_COMMANDS", "ALLOWED_ORIGINS", "HTTP_ALLOWED_HOSTS"):
        value = getattr(settings, f"THX_CRON_{name}", DEFAULTS[name])
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            errors.append(Error(f"THX_CRON_{name} must be a list of strings.", id="thx_cron.E004"))
    q_cluster = cluster_config(str(getattr(settings, "THX_CRON_CLUSTER", "") or "") or None)
    max_timeout = getattr(settings, "THX_CRON_MAX_TIMEOUT", DEFAULTS["MAX_TIMEOUT"])
    retry = q_cluster.get("retry") if isinstance(q_cluster, dict) else None
    if isinstance(retry, int | float) and isinstance(max_timeout, int) and retry <= max_timeout:
        errors.append(
            Warning(
                "The 'retry' of thx-cron's django-q2 cluster should be longer than "
                "THX_CRON_MAX_TIMEOUT, or django-q2 may deliver a long run's task a second "
                "time (thx-cron will not run it twice).",
                id="thx_cron.W001",
            )
        )
    return errors
