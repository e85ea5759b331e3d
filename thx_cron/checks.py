"""System checks for thx-cron settings, with stable ids."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from thx_cron.conf import Setting, thx_settings
from thx_cron.conf import ThxCronSettings as S
from thx_cron.host_checks import cluster_config

# Each number setting and the smallest value it may take (thx_cron.E001).
MINIMUMS: tuple[tuple[Setting[int] | Setting[float], float], ...] = (
    (S.OUTPUT_LIMIT, 1024),
    (S.DEFAULT_TIMEOUT, 1),
    (S.MAX_TIMEOUT, 1),
    (S.HEARTBEAT_SECONDS, 0.1),
    (S.LEASE_SECONDS, 1),
    (S.DISPATCH_INTERVAL, 0.01),
    (S.DISPATCH_BATCH, 1),
    (S.CLAIM_AHEAD, 0),
    (S.RUN_BATCH, 1),
    (S.REQUEUE_SECONDS, 1),
    (S.MISFIRE_GRACE_SECONDS, 0),
    (S.RUN_ALL_LIMIT, 1),
    (S.MAX_RETRY_BACKOFF, 0),
    (S.RETENTION_DAYS, 0),
    (S.RETENTION_FAILED_DAYS, 0),
    (S.RETENTION_PER_JOB, 1),
    (S.EVENT_RETENTION_DAYS, 0),
    (S.TOKEN_RECHECK_SECONDS, 0.1),
    (S.LOGIN_FAILURE_LIMIT, 1),
    (S.LOGIN_COOLOFF_SECONDS, 1),
    (S.METRICS_WINDOW, 1),
    (S.PROGRAM_KILL_GRACE, 0),
    (S.SHUTDOWN_GRACE, 0),
)
# Settings that must be True or False, or a string (thx_cron.E005).
SCALARS = (S.DEMO_ACTIONS, S.METRICS, S.JOBS_FILE, S.CLUSTER, S.NOTIFICATION_QUEUE, S.BASE_URL)
# List settings that must hold strings (thx_cron.E004).
STRING_LISTS = (S.ALLOWED_COMMANDS, S.ALLOWED_ORIGINS, S.HTTP_ALLOWED_HOSTS, S.WORKER_QUEUES)


# Number settings with a largest value too (thx_cron.E001): a worker waits up to CLAIM_AHEAD
# for a run claimed ahead, and serves nothing else meanwhile.
MAXIMUMS: dict[str, float] = {S.CLAIM_AHEAD.name: 10}


def _number(setting: Setting[int] | Setting[float], minimum: float) -> list[Error]:
    value = setting.raw()
    maximum = MAXIMUMS.get(setting.name)
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or value < minimum
        or (maximum is not None and value > maximum)
    ):
        bound = f">= {minimum:g}" if maximum is None else f"between {minimum:g} and {maximum:g}"
        return [
            Error(f"{setting.name} must be a number {bound}, got {value!r}.", id="thx_cron.E001")
        ]
    return []


def _outbound() -> list[Error]:
    hosts = S.OUTBOUND_ALLOWED_HOSTS.raw()
    errors = []
    if not isinstance(hosts, list | tuple) or not all(isinstance(h, str) and h for h in hosts):
        errors.append(
            Error(
                f"THX_CRON_OUTBOUND_ALLOWED_HOSTS must be a list of host names, got {hosts!r}.",
                id="thx_cron.E030",
            )
        )
    networks = S.OUTBOUND_ALLOWED_NETWORKS.raw()
    if not isinstance(networks, list | tuple):
        return [
            *errors,
            Error(
                "THX_CRON_OUTBOUND_ALLOWED_NETWORKS must be a list of networks such as "
                f"'10.0.0.0/8' or '::1/128', got {networks!r}.",
                id="thx_cron.E031",
            ),
        ]
    for network in networks:
        try:
            ipaddress.ip_network(str(network).strip(), strict=False)
            valid = isinstance(network, str)
        except ValueError:
            valid = False
        if not valid:
            errors.append(
                Error(
                    "THX_CRON_OUTBOUND_ALLOWED_NETWORKS must be a list of networks such as "
                    f"'10.0.0.0/8' or '::1/128'; {network!r} is not one.",
                    id="thx_cron.E031",
                )
            )
    return errors


@register()
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[Error | Warning]:
    errors: list[Error | Warning] = []
    for setting, minimum in MINIMUMS:
        errors += _number(setting, minimum)
    if not errors and S.LEASE_SECONDS.value() < 2 * S.HEARTBEAT_SECONDS.value():
        errors.append(
            Error(
                "THX_CRON_LEASE_SECONDS must be at least twice THX_CRON_HEARTBEAT_SECONDS, "
                "or healthy runs would be declared lost.",
                id="thx_cron.E003",
            )
        )
    actions = S.ACTIONS.raw()
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
    for listed in STRING_LISTS:
        value = listed.raw()
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            errors.append(Error(f"{listed.name} must be a list of strings.", id="thx_cron.E004"))
    for scalar in SCALARS:
        try:
            scalar.value()
        except ImproperlyConfigured as exc:
            errors.append(Error(str(exc), id="thx_cron.E005"))
    errors += _outbound()
    try:
        q_cluster = cluster_config(thx_settings.CLUSTER)
    except ImproperlyConfigured:  # error thx_cron.E005
        q_cluster = None
    max_timeout = S.MAX_TIMEOUT.raw()
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


@register()
def check_declared_jobs(app_configs: Any = None, **kwargs: Any) -> list[Error | Warning]:
    """Report declarations that cannot become jobs (thx_cron.E020) and unimportable modules."""
    from importlib import import_module

    from thx_cron.declared import sync

    errors: list[Error | Warning] = []
    modules = S.ACTION_MODULES.raw()
    if not isinstance(modules, list | tuple) or not all(isinstance(m, str) for m in modules):
        errors.append(
            Error("THX_CRON_ACTION_MODULES must be a list of module names.", id="thx_cron.E021")
        )
    else:
        for module in modules:
            try:
                import_module(module)
            except Exception as exc:  # noqa: BLE001  (any error importing it is the operator's)
                errors.append(
                    Error(
                        f"THX_CRON_ACTION_MODULES: cannot import {module!r}: {exc}",
                        id="thx_cron.E021",
                    )
                )
    try:
        sync.validate(sync.gather())
    except sync.SyncError as exc:
        errors += [
            Error(
                f"Declared job {error.source}: {error.field}: {error.message}",
                hint="Fix the declaration; until then no declared job is synced.",
                obj=error.source,
                id="thx_cron.E020",
            )
            for error in exc.errors
        ]
    return errors


@register()
def check_allowed_programs(app_configs: Any = None, **kwargs: Any) -> list[Error | Warning]:
    """THX_CRON_ALLOWED_PROGRAMS holds absolute paths or glob patterns (thx_cron.E022)."""
    value = S.ALLOWED_PROGRAMS.raw()
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        return [Error("THX_CRON_ALLOWED_PROGRAMS must be a list of strings.", id="thx_cron.E022")]
    return [
        Error(
            f"THX_CRON_ALLOWED_PROGRAMS: {pattern!r} is not an absolute path or pattern.",
            id="thx_cron.E022",
        )
        for pattern in value
        if not pattern.startswith("/")
    ]


@register()
def check_fair_use(app_configs: Any = None, **kwargs: Any) -> list[Error | Warning]:
    limit = S.MAX_RUNNING_PER_USER.raw()
    if limit is None or limit == 0:
        return []
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        return [
            Error(
                "THX_CRON_MAX_RUNNING_PER_USER must be a whole number >= 1 (or None / 0 for no "
                f"limit), got {limit!r}.",
                id="thx_cron.E041",
            )
        ]
    q_cluster = getattr(settings, "Q_CLUSTER", {})
    workers = q_cluster.get("workers") if isinstance(q_cluster, dict) else None
    if isinstance(workers, int) and limit >= workers:
        return [
            Warning(
                f"THX_CRON_MAX_RUNNING_PER_USER ({limit}) is not below Q_CLUSTER['workers'] "
                f"({workers}): one user's runs can still occupy every worker of a process.",
                id="thx_cron.W041",
            )
        ]
    return []


@register()
def check_login_throttle(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    from thx_cron.security import login_throttle

    missing = []
    if "axes" not in settings.INSTALLED_APPS:
        missing.append('"axes" in INSTALLED_APPS')
    backend = login_throttle.AUTHENTICATION_BACKEND
    if backend not in getattr(settings, "AUTHENTICATION_BACKENDS", []):
        missing.append(f"{backend!r} first in AUTHENTICATION_BACKENDS")
    if login_throttle.MIDDLEWARE not in settings.MIDDLEWARE:
        missing.append(f"{login_throttle.MIDDLEWARE!r} in MIDDLEWARE")
    if not missing:
        return []
    return [
        Warning(
            "Failed logins are not throttled: django-axes needs " + ", ".join(missing) + ".",
            hint="See docs/security.md, 'Login throttling'.",
            id="thx_cron.W042",
        )
    ]


@register()
def check_admin_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    value = S.ADMIN_SHOW_DJANGO_Q.raw()
    if isinstance(value, bool):
        return []
    return [
        Error(
            f"THX_CRON_ADMIN_SHOW_DJANGO_Q must be True or False, got {value!r}.",
            hint="True shows django-q2's own models (its Task queue) in the admin.",
            id="thx_cron.E050",
        )
    ]
