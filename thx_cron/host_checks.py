"""System checks on the project around thx-cron: time zones, django-q2 clusters, SQLite, the
channel layer.

A host project keeps its own `Q_CLUSTER`; thx-cron's runs go to a cluster of their own
(`THX_CRON_CLUSTER`, a name in `Q_CLUSTER["ALT_CLUSTERS"]`) whose settings these checks read.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured
from django.db import router

# What django-q2 must do with thx-cron's tasks: thx-cron decides about retries, so django-q2 must
# never run a task again by itself. (Each task carries its own timeout; check W001 reads 'retry'.)
REQUIRED = {"max_attempts": 1, "ack_failures": True}
SQLITE_HINT = (
    'Set DATABASES[...]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20, '
    '"init_command": "PRAGMA journal_mode=WAL;"} (IMMEDIATE transactions, a busy timeout and '
    "WAL), or use PostgreSQL."
)


def cluster_config(name: str | None) -> dict[str, Any] | None:
    """The settings django-q2 uses for the cluster `name` (None: the default one), or None
    when `name` is no ALT_CLUSTERS entry."""
    base = dict(getattr(settings, "Q_CLUSTER", {}) or {})
    alt = base.pop("ALT_CLUSTERS", None) or {}
    if name is None or name in (base.get("name"), base.get("cluster_name")):
        return base
    if not isinstance(alt, dict) or not isinstance(alt.get(name), dict):
        return None
    return {**base, **alt[name]}


def _cluster_errors() -> list[Error]:
    from thx_cron.conf import ThxCronSettings, thx_settings

    errors: list[Error] = []
    try:
        cluster = thx_settings.CLUSTER
        notification_queue = thx_settings.NOTIFICATION_QUEUE
    except ImproperlyConfigured:  # error thx_cron.E005
        return []
    where = f'Q_CLUSTER["ALT_CLUSTERS"][{cluster!r}]' if cluster else "Q_CLUSTER"
    config = cluster_config(cluster)
    if config is None:
        return [
            Error(
                f"THX_CRON_CLUSTER is {cluster!r}, but Q_CLUSTER has no ALT_CLUSTERS entry "
                "of that name.",
                hint=f'Add Q_CLUSTER["ALT_CLUSTERS"][{cluster!r}] = {{"max_attempts": 1, '
                '"ack_failures": True, "timeout": 86_460, "retry": 86_520} '
                "(see docs/embedding.md).",
                id="thx_cron.E011",
            )
        ]
    for key, wanted in REQUIRED.items():
        if config.get(key) != wanted:
            errors.append(
                Error(
                    f"{where} must set {key!r}: {wanted!r} for thx-cron's runs "
                    f"(it is {config.get(key)!r}).",
                    id="thx_cron.E012",
                )
            )
    queues = [notification_queue]
    extra = ThxCronSettings.WORKER_QUEUES.raw()  # not a list of names: error thx_cron.E004
    if isinstance(extra, list | tuple):
        queues += [str(queue) for queue in extra]
    for queue in sorted({q for q in queues if q and q != cluster}):
        if cluster_config(queue) is None:
            errors.append(
                Error(
                    f"The django-q2 queue {queue!r} (THX_CRON_NOTIFICATION_QUEUE or "
                    "THX_CRON_WORKER_QUEUES) has no Q_CLUSTER['ALT_CLUSTERS'] entry.",
                    hint=f'Add Q_CLUSTER["ALT_CLUSTERS"][{queue!r}] = {{"workers": 1}}.',
                    id="thx_cron.E013",
                )
            )
    return errors


def _sqlite_errors() -> list[Error]:
    from django.db import connections

    from thx_cron.models import Job

    alias = router.db_for_write(Job)
    config = connections.databases.get(alias, {})
    if config.get("ENGINE") != "django.db.backends.sqlite3":
        return []
    options = config.get("OPTIONS", {}) or {}
    init = str(options.get("init_command", "")).lower().replace(" ", "")
    missing = []
    if str(options.get("transaction_mode", "")).upper() != "IMMEDIATE":
        missing.append('"transaction_mode": "IMMEDIATE"')
    if not options.get("timeout") and "busy_timeout" not in init:
        missing.append('"timeout" (a busy timeout, in seconds)')
    if "journal_mode=wal" not in init:
        missing.append('"init_command": "PRAGMA journal_mode=WAL;"')
    if not missing:
        return []
    return [
        Error(
            f"The SQLite database {alias!r} lacks {', '.join(missing)} in its OPTIONS: the "
            "dispatcher, the workers and the web process write to it at once and would fail "
            "with 'database is locked'.",
            hint=SQLITE_HINT,
            id="thx_cron.E014",
        )
    ]


def _channel_layer_errors() -> list[Error]:
    """The channel layer wakes subscription readers once a run's events commit; one that cannot
    be made would fail each worker as django-q2 spawns it, and every web process's first
    subscription."""
    from channels.layers import DEFAULT_CHANNEL_LAYER, channel_layers

    layers = getattr(settings, "CHANNEL_LAYERS", None)
    if layers is None:
        return []  # no layer: readers only poll
    if not isinstance(layers, dict):
        reason = f"is {type(layers).__name__}, not a dict of layer names to their settings"
    elif DEFAULT_CHANNEL_LAYER not in layers:
        return []
    else:
        config = layers[DEFAULT_CHANNEL_LAYER]
        if not isinstance(config, dict) or not isinstance(config.get("BACKEND"), str):
            reason = "needs a dict with a BACKEND (a dotted path to the layer's class)"
        elif not isinstance(config.get("CONFIG", {}), dict):
            reason = "has a CONFIG that is not a dict of the layer's keyword arguments"
        else:
            try:
                channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
            except Exception as exc:  # the host's layer class: any error it raises is the reason
                reason = f"cannot be made: {type(exc).__name__}: {exc}"
            else:
                return []
    return [
        Error(
            f"CHANNEL_LAYERS[{DEFAULT_CHANNEL_LAYER!r}] {reason}.",
            hint='For example {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": '
            '{"hosts": ["redis://127.0.0.1:6379/0"]}}, or {"BACKEND": '
            '"channels.layers.InMemoryChannelLayer"} for one process.',
            id="thx_cron.E015",
        )
    ]


@register()
def check_host(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    if not getattr(settings, "USE_TZ", True):
        errors.append(
            Error(
                "thx-cron needs USE_TZ = True: schedules are computed in each job's own time "
                "zone from aware datetimes.",
                id="thx_cron.E010",
            )
        )
    errors += _cluster_errors()
    errors += _sqlite_errors()
    errors += _channel_layer_errors()
    return errors
