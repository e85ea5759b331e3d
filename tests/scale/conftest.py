"""Fixtures for the scale tests: a fresh PostgreSQL database per test, a private Redis queue,
and fleets of real `thx-cron worker` processes.

Each test gets its own database (cloned from a migrated template), so these tests never touch
the shared `test_thx_cron` database that other suites use on the same server.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connections
from django.utils import timezone

from tests.processes import ROOT, process_env, stop_group, thx_process
from tests.services import PG_URL, REDIS_URL
from thx_cron.models import Job
from thx_cron.standalone.database import database_config

SETTINGS = "tests.scale.process_settings"
_counter = itertools.count()


def database_url(name: str) -> str:
    """Return the URL of database `name` on the test PostgreSQL server."""
    parts = urlsplit(PG_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def admin_sql(*statements: str) -> None:
    """Run statements outside a transaction on the server's maintenance database."""
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)  # type: ignore[arg-type]


def run_command(args: list[str], url: str, timeout: float = 120, **extra: str) -> str:
    """Run `python -m thx_cron ARGS` to completion with the scale settings; return its output."""
    done = subprocess.run(
        [sys.executable, "-m", "thx_cron", *args],
        env=process_env(url, DJANGO_SETTINGS_MODULE=SETTINGS, **extra),
        cwd=str(ROOT),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"thx-cron {' '.join(args)} failed:\n{done.stdout}{done.stderr}"
    return done.stdout


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A migrated database that each test's database is cloned from (cloning takes ~100 ms)."""
    if not PG_URL:
        pytest.fail("THX_CRON_REQUIRE_SERVICES is set but THX_CRON_TEST_DATABASE_URL is not")
    name = f"thx_scale_tmpl_{os.getpid()}"
    admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
    try:
        run_command(["migrate", "--no-input", "-v", "0"], database_url(name), timeout=300)
        yield name
    finally:
        admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@dataclass
class PgDatabase:
    name: str
    alias: str

    @property
    def url(self) -> str:
        return database_url(self.name)


@pytest.fixture
def pg_db(pg_template: str, django_db_blocker: Any) -> Iterator[PgDatabase]:
    """A fresh migrated PostgreSQL database, reachable here through its own connection alias."""
    db = PgDatabase(name=f"thx_scale_{os.getpid()}_{next(_counter)}", alias="")
    db.alias = db.name
    admin_sql(f"CREATE DATABASE {db.name} TEMPLATE {pg_template}")
    configured = connections.configure_settings(
        {"default": connections.settings["default"], db.alias: database_config(db.url)}
    )
    connections.settings[db.alias] = configured[db.alias]
    try:
        with django_db_blocker.unblock():
            yield db
            connections[db.alias].close()
    finally:
        del connections.settings[db.alias]
        admin_sql(f"DROP DATABASE IF EXISTS {db.name} WITH (FORCE)")


@pytest.fixture
def sqlite_db(tmp_path: Path, django_db_blocker: Any) -> Iterator[PgDatabase]:
    """A fresh migrated SQLite file configured as the embedded default, with its own alias."""
    path = tmp_path / "thx-cron.sqlite3"
    url = f"sqlite:///{path}"
    run_command(["migrate", "--no-input", "-v", "0"], url, timeout=300)
    alias = f"thx_scale_sqlite_{next(_counter)}"
    configured = connections.configure_settings(
        {"default": connections.settings["default"], alias: database_config(url)}
    )
    connections.settings[alias] = configured[alias]
    db = SqliteDatabase(name=str(path), alias=alias)
    try:
        with django_db_blocker.unblock():
            yield db
            connections[alias].close()
    finally:
        del connections.settings[alias]


class SqliteDatabase(PgDatabase):
    @property
    def url(self) -> str:
        return f"sqlite:///{self.name}"


@dataclass
class Fleet:
    """Real worker processes sharing one database and one broker."""

    db: PgDatabase
    logs: Path
    witness: Path
    redis: str = ""
    queue: str = field(default_factory=lambda: f"thx-scale-{uuid.uuid4().hex[:8]}")
    stack: ExitStack = field(default_factory=ExitStack)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def env(self, **extra: str) -> dict[str, str]:
        values = {
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "THX_CRON_QUEUE": self.queue,
            "THX_SCALE_WITNESS_DIR": str(self.witness),
            **extra,
        }
        if self.redis:
            values["THX_CRON_REDIS_URL"] = self.redis
        return values

    def start(
        self, name: str, args: list[str] | None = None, **extra: str
    ) -> subprocess.Popen[bytes]:
        """Start `thx-cron worker` (or ARGS) as process `name`, logging to logs/NAME.log."""
        proc = self.stack.enter_context(
            thx_process(
                args or ["worker"], self.db.url, log=self.logs / f"{name}.log", **self.env(**extra)
            )
        )
        self.procs[name] = proc
        return proc

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        """Stop process `name` and its children on purpose (it no longer counts as alive)."""
        stop_group(self.procs.pop(name), sig)

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def all_logs(self) -> str:
        return "\n".join(
            f"--- {p.stem}\n{p.read_text(errors='replace')}" for p in self.logs.glob("*.log")
        )

    def assert_alive(self) -> None:
        dead = {name: p.returncode for name, p in self.procs.items() if p.poll() is not None}
        assert not dead, f"processes exited early: {dead}\n{self.all_logs()[-4000:]}"


@pytest.fixture
def make_fleet(tmp_path: Path) -> Iterator[Any]:
    """Build fleets; every process they started is stopped at the end, whatever happens."""
    fleets: list[Fleet] = []

    def make(db: PgDatabase, *, redis: bool = False) -> Fleet:
        logs = tmp_path / f"logs{len(fleets)}"
        witness = tmp_path / f"witness{len(fleets)}"
        logs.mkdir()
        witness.mkdir()
        fleet = Fleet(db=db, logs=logs, witness=witness, redis=REDIS_URL if redis else "")
        fleets.append(fleet)
        return fleet

    try:
        yield make
    finally:
        for fleet in fleets:
            fleet.stack.close()


def interval_jobs(
    alias: str,
    count: int,
    every: int,
    *,
    start_at: datetime | None = None,
    prefix: str = "scale",
    seconds: float = 0.0,
    **fields: Any,
) -> list[Job]:
    """Create `count` interval jobs running `scale.witness`, all anchored at `start_at`."""
    start_at = start_at or timezone.now().replace(microsecond=0) + timedelta(seconds=2)
    jobs = []
    for i in range(count):
        job = Job(
            name=f"{prefix}-{i}",
            action="scale.witness",
            schedule_kind=Job.ScheduleKind.INTERVAL,
            every_seconds=every,
            start_at=start_at,
            **fields,
        )
        job.next_run_at = job.compute_next_run(start_at - timedelta(microseconds=1))
        jobs.append(job)
    created = Job.objects.using(alias).bulk_create(jobs, batch_size=1000)
    for job in created:
        # The action gets its own job id, so witness traces can be told apart per job.
        job.args = [job.pk, seconds] if seconds else [job.pk]
    Job.objects.using(alias).bulk_update(created, ["args"], batch_size=1000)
    return created
