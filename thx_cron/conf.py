"""Typed, lazily read `THX_CRON_*` settings, each declared once with its type and default.

Each setting is one attribute of `ThxCronSettings`: reading it on `thx_settings` reads
`django.conf.settings` at that moment (so `override_settings` works) and returns the declared
type, or raises ImproperlyConfigured naming the setting. The system checks read `raw()` instead
and report a bad value with their stable ids (thx_cron/checks.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import ClassVar, Generic, TypeVar, overload

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")


class Setting(Generic[T]):
    """One setting: its type as written in the docs, its default, its reader and its purpose."""

    def __init__(self, kind: str, default: T, read: Callable[[object], T], doc: str) -> None:
        self.kind = kind
        self.default = default
        self.doc = doc
        self.name = ""
        self._read = read

    def __set_name__(self, owner: type[AppSettings], attribute: str) -> None:
        self.name = owner.PREFIX + attribute

    def raw(self) -> object:
        """Return the configured value (the default when unset), unchecked."""
        return getattr(django_settings, self.name, self.default)

    def value(self) -> T:
        """Return the configured value as the declared type, or raise ImproperlyConfigured."""
        raw = self.raw()
        try:
            return self._read(raw)
        except (TypeError, ValueError):
            raise ImproperlyConfigured(f"{self.name} must be {self.kind}, got {raw!r}.") from None

    @overload
    def __get__(self, instance: None, owner: type) -> Setting[T]: ...
    @overload
    def __get__(self, instance: AppSettings, owner: type) -> T: ...
    def __get__(self, instance: AppSettings | None, owner: type) -> Setting[T] | T:
        return self if instance is None else self.value()


class AppSettings:
    """A set of settings sharing one name prefix; subclasses declare `Setting` attributes."""

    PREFIX: ClassVar[str] = "THX_CRON_"

    @classmethod
    def declared(cls) -> Iterator[Setting[object]]:
        """Yield the settings in the order they are declared."""
        for value in vars(cls).values():
            if isinstance(value, Setting):
                yield value


# Readers: each returns the declared type or raises TypeError / ValueError.


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(value)
    return float(value)


def _int(value: object) -> int:
    return int(_number(value))


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(value)
    return value


def _text(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _strings(value: object) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise TypeError(value)
    return list(value)


def _items(value: object) -> list[object]:
    if not isinstance(value, list | tuple):
        raise TypeError(value)
    return list(value)


def _paths(value: object) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise TypeError(value)
    return dict(value)


def _limit(value: object) -> int | None:
    if value is None or value == 0:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(value)
    return value


def _cluster(value: object) -> str | None:
    return _text(value) or None


def whole(default: int, doc: str) -> Setting[int]:
    return Setting("int", default, _int, doc)


def number(default: float, doc: str) -> Setting[float]:
    return Setting("float", float(default), _number, doc)


def flag(default: bool, doc: str) -> Setting[bool]:
    return Setting("bool", default, _flag, doc)


def text(default: str, doc: str) -> Setting[str]:
    return Setting("str", default, _text, doc)


def strings(doc: str) -> Setting[list[str]]:
    return Setting("list[str]", [], _strings, doc)


def items(kind: str, doc: str) -> Setting[list[object]]:
    return Setting(kind, [], _items, doc)


class ThxCronSettings(AppSettings):
    """The settings of thx_cron, and those its sibling apps share with it."""

    # Actions
    ACTIONS = Setting[dict[str, str]](
        "dict[str, str]", {}, _paths, "Actions registered by the operator: name -> dotted path."
    )
    DEMO_ACTIONS = flag(False, "Register the demo actions (`demo.echo`, `demo.sleep`, ...).")
    ALLOWED_COMMANDS = strings("Management commands that `thx_cron.call_command` may run.")
    HTTP_ALLOWED_HOSTS = strings("Hosts that `thx_cron.http_request` may call; empty: any host.")
    ALLOWED_PROGRAMS = strings(
        "Executables that `thx_cron.run_program` may run: absolute paths or glob patterns."
    )
    PROGRAM_KILL_GRACE = number(
        5.0, "Seconds a stopped program's process group gets between SIGTERM and SIGKILL."
    )
    # Outbound requests
    OUTBOUND_ALLOWED_HOSTS = strings(
        "Internal host names outbound requests may reach (`.example.org` includes subdomains)."
    )
    OUTBOUND_ALLOWED_NETWORKS = strings(
        "Internal networks outbound requests may reach (`10.0.0.0/8`, `::1/128`)."
    )
    # Runs
    OUTPUT_LIMIT = whole(65_536, "Captured output per run, in characters; head and tail kept.")
    DEFAULT_TIMEOUT = whole(3600, "Timeout in seconds of a job that sets none.")
    MAX_TIMEOUT = whole(86_400, "The largest timeout in seconds a job may set.")
    HEARTBEAT_SECONDS = number(5.0, "How often a running run writes a heartbeat.")
    LEASE_SECONDS = number(30.0, "A running run silent this many seconds ends lost.")
    DISPATCH_INTERVAL = number(0.5, "The longest the dispatcher sleeps between ticks, in seconds.")
    DISPATCH_BATCH = whole(500, "How many due jobs one dispatcher tick claims.")
    CLAIM_AHEAD = number(
        1.0,
        "Seconds before an occurrence that the dispatcher claims and enqueues it; its worker "
        "starts it at the occurrence, not before (0: at the occurrence; at most 10).",
    )
    RUN_BATCH = whole(
        32, "At most this many runs per django-q2 task, executed in turn; 1: each on its own."
    )
    REQUEUE_SECONDS = number(
        120.0, "A queued run no worker picked up after this many seconds is enqueued again."
    )
    MISFIRE_GRACE_SECONDS = whole(60, "Default misfire grace of a job, in seconds.")
    RUN_ALL_LIMIT = whole(100, "The largest number of catch-up runs for `run_all`.")
    MAX_RETRY_BACKOFF = whole(3600, "The largest backoff between retries, in seconds.")
    MAX_RUNNING_PER_USER = Setting[int | None](
        "int | None",
        None,
        _limit,
        "Running runs per job owner; more wait queued (None or 0: no limit).",
    )
    SHUTDOWN_GRACE = number(
        30.0, "Seconds running runs get to finish on SIGTERM/SIGINT before they are killed."
    )
    # Retention
    RETENTION_DAYS = number(30, "Finished runs older than this many days are pruned.")
    RETENTION_FAILED_DAYS = number(90, "Failed runs older than this many days are pruned.")
    RETENTION_PER_JOB = whole(1000, "Runs kept per job at most.")
    EVENT_RETENTION_DAYS = number(7, "Job events older than this many days are pruned.")
    # Declared jobs
    JOBS = items("list[dict]", "Jobs declared in settings (see docs/declared-jobs.md).")
    JOBS_FILE = text("", "A TOML file of more declared jobs.")
    ACTION_MODULES = strings(
        "Modules imported at start, for their actions and `@thx_cron.job` declarations."
    )
    # Queues
    CLUSTER = Setting[str | None](
        "str",
        "",
        _cluster,
        "The django-q2 cluster (an ALT_CLUSTERS name) runs go to; empty: the default one.",
    )
    WORKER_QUEUES = strings("More django-q2 queues (ALT_CLUSTERS names) `thx-cron worker` serves.")
    NOTIFICATION_QUEUE = text(
        "", "The django-q2 queue (an ALT_CLUSTERS name) notification sends go to; empty: CLUSTER."
    )
    # Web
    ALLOWED_ORIGINS = strings("Browser origins allowed to call the API and connect (`*`: any).")
    BASE_URL = text("http://127.0.0.1:8000", "Base URL for links in notifications.")
    METRICS = flag(True, "Serve Prometheus metrics at /metrics (staff only).")
    ADMIN_SHOW_DJANGO_Q = flag(
        False,
        "Show django-q2's own models (its Task queue) in the Django admin; hidden by default.",
    )
    METRICS_WINDOW = whole(3600, "The window in seconds the metrics' run figures cover.")
    TOKEN_RECHECK_SECONDS = number(
        2.0, "How often live WebSocket connections check that their API token is still active."
    )
    LOGIN_FAILURE_LIMIT = whole(
        10, "Failed logins per account or client address before logins are refused."
    )
    LOGIN_COOLOFF_SECONDS = whole(900, "How long logins stay refused after the last failure.")


thx_settings = ThxCronSettings()
