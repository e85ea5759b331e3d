"""A worker killed with SIGKILL in the middle of runs: its runs end `lost` within the lease, with
their failure events, and later occurrences run on the surviving workers."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from django.utils import timezone

from tests.processes import service_group_of, wait_for
from tests.scale.conftest import interval_jobs
from tests.scale.occurrences import pause_all, tally
from tests.services import needs_postgres, needs_redis
from thx_cron.models import JobEvent, JobLog

pytestmark = [pytest.mark.slow, needs_postgres, needs_redis]

# Long enough that a busy shared machine does not starve healthy heartbeats into a false `lost`.
LEASE = 4.0
REQUEUE = 10.0


def group_of(pid: int) -> int | None:
    return service_group_of(pid)


def test_runs_of_a_killed_worker_end_lost_and_later_occurrences_run_on_survivors(pg_db, make_fleet):
    fleet = make_fleet(pg_db, redis=True)
    # Each run takes 3 s of a 5 s period, so a kill almost surely lands in the middle of runs.
    jobs = interval_jobs(pg_db.alias, 8, 5, seconds=3.0)
    # Tasks the victim had taken from Redis die with it; their runs are enqueued again after
    # THX_CRON_REQUEUE_SECONDS, shortened here from its default of 120 s.
    env = {"THX_CRON_LEASE_SECONDS": str(LEASE), "THX_CRON_REQUEUE_SECONDS": str(REQUEUE)}
    victim = fleet.start("victim", **env)
    fleet.start("survivor1", **env)
    fleet.start("survivor2", **env)
    runs = JobLog.objects.using(pg_db.alias)

    def victims_running() -> list[int]:
        running = runs.filter(status=JobLog.Status.RUNNING).values_list("pk", "pid")
        return [pk for pk, pid in running if pid and group_of(pid) == victim.pid]

    wait_for(victims_running, timeout=60)
    # The victim's workers may start another run between that look and the kill: the doomed
    # runs are the ones its processes still held once every one of them is gone.
    victim_pids = processes_of(victim.pid)
    os.killpg(victim.pid, signal.SIGKILL)
    killed_at = timezone.now()
    victim.wait(timeout=10)
    wait_for(lambda: not any(alive(pid) for pid in victim_pids), timeout=10)
    held = runs.filter(pid__in=victim_pids, status__in=[JobLog.Status.RUNNING, JobLog.Status.LOST])
    doomed = list(held.values_list("pk", flat=True))
    assert doomed

    # The survivors' dispatchers notice the silent lease and end the runs `lost`, not succeeded.
    doomed_runs = runs.filter(pk__in=doomed)
    wait_for(
        lambda: not doomed_runs.filter(status=JobLog.Status.RUNNING).exists(), timeout=LEASE + 20
    )
    assert {r.status for r in doomed_runs} == {JobLog.Status.LOST}
    for run in doomed_runs:
        assert "stopped reporting" in run.error
        assert run.finished_at is not None and run.finished_at > killed_at
    lost_events = JobEvent.objects.using(pg_db.alias).filter(run__in=doomed, kind="lost")
    assert lost_events.count() == len(doomed)

    # Every job keeps its schedule: each gets a later run, executed by a survivor.
    later = runs.filter(scheduled_for__gt=killed_at, status=JobLog.Status.SUCCEEDED)
    wait_for(lambda: later.values("job").distinct().count() == len(jobs), timeout=60)
    assert all(group_of_name(name) != victim.pid for name in later.values_list("pid", flat=True))

    pause_all(pg_db.alias)
    active = runs.filter(status__in=JobLog.ACTIVE_STATUSES)
    try:
        wait_for(lambda: not active.exists(), timeout=REQUEUE + 30, interval=0.5)
    finally:
        print(list(active.values_list("pk", "status", "pid", "enqueued_at", "heartbeat_at")))
    result = tally(pg_db.alias, fleet.witness, jobs)
    print(result.summary())
    assert not result.problems(), result.problems()
    assert result.statuses[JobLog.Status.LOST] == len(doomed)


def processes_of(service: int) -> set[int]:
    """Every live process of the `thx-cron` service led by `service`."""
    return {
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and group_of(int(entry.name)) == service
    }


def alive(pid: int) -> bool:
    """Whether `pid` still runs (a zombie awaiting its parent's wait does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[-1][:1] != "Z"
    except OSError:
        return False


def group_of_name(pid: int | None) -> int | None:
    """The process group of a run's worker pid (None once that process is gone)."""
    return group_of(pid) if pid else None
