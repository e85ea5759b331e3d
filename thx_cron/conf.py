"""Typed, lazily read `THX_CRON_*` settings, each with its default."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Actions: {"name": "dotted.path.to.callable"} registered by the operator, and demo actions.
    "ACTIONS": {},
    "DEMO_ACTIONS": False,
    # Management commands that the `thx_cron.call_command` action may run.
    "ALLOWED_COMMANDS": [],
    # Hosts that `thx_cron.http_request` may call; empty means any (public) host.
    "HTTP_ALLOWED_HOSTS": [],
    # Outbound requests (http_request, notification URLs) never reach loopback, private,
    # link-local, reserved, multicast or unspecified addresses, except these host names
    # (".example.org" includes its subdomains) and networks ("10.0.0.0/8", "::1/128").
    "OUTBOUND_ALLOWED_HOSTS": [],
    "OUTBOUND_ALLOWED_NETWORKS": [],
    # Captured output per run, in characters; head and tail are kept.
    "OUTPUT_LIMIT": 65_536,
    # Timeouts in seconds: the default for jobs without one, and the largest a job may set.
    "DEFAULT_TIMEOUT": 3600,
    "MAX_TIMEOUT": 86_400,
    # A running run writes a heartbeat this often; a run silent for LEASE seconds is lost.
    "HEARTBEAT_SECONDS": 5.0,
    "LEASE_SECONDS": 30.0,
    # How long the dispatcher sleeps at most between ticks, and how many jobs one tick claims.
    "DISPATCH_INTERVAL": 0.5,
    "DISPATCH_BATCH": 500,
    # A queued run not picked up by a worker after this long is enqueued again.
    "REQUEUE_SECONDS": 120.0,
    # At most this many runs per django-q2 task, executed one after the other (see
    # execution.Batch); 1 hands each run over on its own.
    "RUN_BATCH": 8,
    # Misfire: default grace and the largest number of catch-up runs for `run_all`.
    "MISFIRE_GRACE_SECONDS": 60,
    "RUN_ALL_LIMIT": 100,
    # Retries: the largest backoff between attempts.
    "MAX_RETRY_BACKOFF": 3600,
    # Retention: runs older than these many days are pruned; failures are kept longer.
    "RETENTION_DAYS": 30,
    "RETENTION_FAILED_DAYS": 90,
    "RETENTION_PER_JOB": 1000,
    "EVENT_RETENTION_DAYS": 7,
    # GraphQL / WebSocket: origins allowed to connect.
    "ALLOWED_ORIGINS": [],
    # More django-q2 queues (ALT_CLUSTERS names) that `thx-cron worker` serves, each with its own
    # cluster process, so that their tasks never wait behind a burst of runs.
    "WORKER_QUEUES": [],
    # Prometheus metrics at /metrics (staff only), and the window their run figures cover.
    "METRICS": True,
    "METRICS_WINDOW": 3600,
    # Jobs declared in settings (a list of dicts, see docs/declared-jobs.md), and a TOML file of
    # more; modules imported at start so that their actions and @thx_cron.job declarations exist.
    "JOBS": [],
    "JOBS_FILE": "",
    "ACTION_MODULES": [],
    # Executables that `thx_cron.run_program` may run: absolute paths or glob patterns.
    "ALLOWED_PROGRAMS": [],
    # Seconds a stopped program's process group gets between SIGTERM and SIGKILL.
    "PROGRAM_KILL_GRACE": 5.0,
    # Fair use: at most this many running runs per job owner (None or 0: no limit); runs beyond
    # it wait queued and start as soon as one of the owner's runs ends.
    "MAX_RUNNING_PER_USER": None,
    # How often each web process checks that the API tokens of its live WebSocket connections
    # are still active; a revoked or expired token's connections end (4403) within this.
    "TOKEN_RECHECK_SECONDS": 2.0,
    # Login throttling (django-axes): failed logins per account, and per client address, before
    # further logins are refused, and for how long after the last failure.
    "LOGIN_FAILURE_LIMIT": 10,
    "LOGIN_COOLOFF_SECONDS": 900,
    # The django-q2 cluster (a name in Q_CLUSTER["ALT_CLUSTERS"]) that runs and thx-cron's own
    # tasks go to; empty: the default cluster. A host project names one, leaving its Q_CLUSTER be.
    "CLUSTER": "",
    # On SIGTERM/SIGINT, running runs get this many seconds to finish; then their processes are
    # killed and the runs end `lost` (retried if the job allows).
    "SHUTDOWN_GRACE": 30.0,
    # Base URL used for links in notifications.
    "BASE_URL": "http://127.0.0.1:8000",
}


class _Settings:
    """Read `THX_CRON_<NAME>` from Django settings on each access, falling back to DEFAULTS."""

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(f"unknown thx-cron setting {name!r}")
        return getattr(settings, f"THX_CRON_{name}", DEFAULTS[name])

    # Typed accessors for the settings the code reads most; the checks validate their types.
    @property
    def OUTBOUND_ALLOWED_HOSTS(self) -> list[str]:  # noqa: N802
        return list(self.__getattr__("OUTBOUND_ALLOWED_HOSTS") or [])

    @property
    def OUTBOUND_ALLOWED_NETWORKS(self) -> list[str]:  # noqa: N802
        return list(self.__getattr__("OUTBOUND_ALLOWED_NETWORKS") or [])

    @property
    def OUTPUT_LIMIT(self) -> int:  # noqa: N802
        return int(self.__getattr__("OUTPUT_LIMIT"))

    @property
    def DEFAULT_TIMEOUT(self) -> int:  # noqa: N802
        return int(self.__getattr__("DEFAULT_TIMEOUT"))

    @property
    def MAX_TIMEOUT(self) -> int:  # noqa: N802
        return int(self.__getattr__("MAX_TIMEOUT"))

    @property
    def HEARTBEAT_SECONDS(self) -> float:  # noqa: N802
        return float(self.__getattr__("HEARTBEAT_SECONDS"))

    @property
    def LEASE_SECONDS(self) -> float:  # noqa: N802
        return float(self.__getattr__("LEASE_SECONDS"))

    @property
    def DISPATCH_INTERVAL(self) -> float:  # noqa: N802
        return float(self.__getattr__("DISPATCH_INTERVAL"))

    @property
    def DISPATCH_BATCH(self) -> int:  # noqa: N802
        return int(self.__getattr__("DISPATCH_BATCH"))

    @property
    def RUN_BATCH(self) -> int:  # noqa: N802
        return int(self.__getattr__("RUN_BATCH"))

    @property
    def REQUEUE_SECONDS(self) -> float:  # noqa: N802
        return float(self.__getattr__("REQUEUE_SECONDS"))

    @property
    def MISFIRE_GRACE_SECONDS(self) -> int:  # noqa: N802
        return int(self.__getattr__("MISFIRE_GRACE_SECONDS"))

    @property
    def RUN_ALL_LIMIT(self) -> int:  # noqa: N802
        return int(self.__getattr__("RUN_ALL_LIMIT"))

    @property
    def MAX_RETRY_BACKOFF(self) -> int:  # noqa: N802
        return int(self.__getattr__("MAX_RETRY_BACKOFF"))

    @property
    def METRICS(self) -> bool:  # noqa: N802
        return bool(self.__getattr__("METRICS"))

    @property
    def METRICS_WINDOW(self) -> int:  # noqa: N802
        return int(self.__getattr__("METRICS_WINDOW"))

    @property
    def LOGIN_FAILURE_LIMIT(self) -> int:  # noqa: N802
        return int(self.__getattr__("LOGIN_FAILURE_LIMIT"))

    @property
    def LOGIN_COOLOFF_SECONDS(self) -> int:  # noqa: N802
        return int(self.__getattr__("LOGIN_COOLOFF_SECONDS"))

    @property
    def TOKEN_RECHECK_SECONDS(self) -> float:  # noqa: N802
        return float(self.__getattr__("TOKEN_RECHECK_SECONDS"))

    @property
    def MAX_RUNNING_PER_USER(self) -> int | None:  # noqa: N802
        value = self.__getattr__("MAX_RUNNING_PER_USER")
        return int(value) if value else None

    @property
    def CLUSTER(self) -> str | None:  # noqa: N802
        """The cluster name to hand django-q2 (None: the default cluster)."""
        return str(self.__getattr__("CLUSTER") or "") or None

    @property
    def SHUTDOWN_GRACE(self) -> float:  # noqa: N802
        return float(self.__getattr__("SHUTDOWN_GRACE"))


thx_settings = _Settings()
