"""PostgreSQL or Redis restarts while workers run: the workers reconnect and continue, no run is
lost silently (each ends with a recorded status), and no occurrence runs twice.

Both servers are shared with the rest of the suite, so each outage is brief, and the server is
started again whatever happens.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connections
from django.utils import timezone

from tests.processes import wait_for
from tests.scale.conftest import interval_jobs
from tests.scale.occurrences import pause_all, tally
from tests.services import needs_postgres, needs_redis
from thx_cron.models import JobLog

pytestmark = [pytest.mark.slow, needs_postgres, needs_redis]

JOBS = 30
EVERY = 2
LEASE = 4.0
REQUEUE = 10.0


def pg_version() -> str:
    return sorted(p.name for p in Path("/etc/postgresql").iterdir())[-1]


def pg_ready() -> bool:
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0


def redis_ready() -> bool:
    done = subprocess.run(["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True, text=True)
    return done.stdout.strip() == "PONG"


def start_redis() -> None:
    subprocess.run(
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=False,
    )


@contextmanager
def restarted_postgres() -> Iterator[None]:
    """Restart the local PostgreSQL cluster; make sure it runs again on the way out."""
    try:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", pg_version(), "main", "restart"],
            check=True,
            timeout=120,
        )
        yield
    finally:
        if not pg_ready():
            subprocess.run(
                ["pg_ctlcluster", "--skip-systemctl-redirect", pg_version(), "main", "start"],
                check=False,
                timeout=120,
            )
        wait_for(pg_ready, timeout=60, interval=0.5)


@contextmanager
def restarted_redis(down_for: float) -> Iterator[None]:
    """Shut Redis down (losing its queue, as a crash would), wait, and start it again."""
    try:
        subprocess.run(["redis-cli", "-h", "127.0.0.1", "shutdown", "nosave"], check=False)
        wait_for(lambda: not redis_ready(), timeout=30)
        time.sleep(down_for)
        start_redis()
        yield
    finally:
        if not redis_ready():
            start_redis()
        wait_for(redis_ready, timeout=30, interval=0.5)


def survive(pg_db, make_fleet, outage: Callable[[], object]) -> None:
    fleet = make_fleet(pg_db, redis=True)
    jobs = interval_jobs(pg_db.alias, JOBS, EVERY, seconds=0.2)
    env = {"THX_CRON_LEASE_SECONDS": str(LEASE), "THX_CRON_REQUEUE_SECONDS": str(REQUEUE)}
    fleet.start("worker1", **env)
    fleet.start("worker2", **env)
    runs = JobLog.objects.using(pg_db.alias)
    done = runs.filter(status=JobLog.Status.SUCCEEDED)
    wait_for(lambda: done.count() >= 2 * JOBS, timeout=60)

    with outage():  # type: ignore[attr-defined]
        pass
    connections[pg_db.alias].close()  # our own connection did not survive a restart either
    back = timezone.now()

    # The same workers go on: every job has later occurrences that succeed.
    later = done.filter(scheduled_for__gt=back + timezone.timedelta(seconds=2 * EVERY))
    wait_for(lambda: later.values("job").distinct().count() == JOBS, timeout=60, interval=0.5)
    fleet.assert_alive()

    pause_all(pg_db.alias)
    active = runs.filter(status__in=JobLog.ACTIVE_STATUSES)
    wait_for(lambda: not active.exists(), timeout=REQUEUE + LEASE + 60, interval=0.5)
    result = tally(pg_db.alias, fleet.witness, jobs)
    print(result.summary())
    assert not result.problems(), result.problems()
    # A run that the outage broke says so; none ended without a reason.
    broken = runs.filter(status__in=JobLog.FAILURE_STATUSES)
    assert all(run.error for run in broken), list(broken.values_list("pk", "status", "error"))
    fleet.assert_alive()


def test_workers_survive_a_postgres_restart_without_losing_or_doubling_runs(pg_db, make_fleet):
    survive(pg_db, make_fleet, restarted_postgres)


def test_workers_survive_a_redis_restart_without_losing_or_doubling_runs(pg_db, make_fleet):
    survive(pg_db, make_fleet, lambda: restarted_redis(down_for=2 * EVERY))
