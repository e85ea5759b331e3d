"""Three workers, each with its dispatcher, share one PostgreSQL (and one Redis): every occurrence
of 300 jobs every 2 s gets exactly one run, none is missing, and the runs spread over the workers.

The suite runs 20 s; `benchmarks/exactly_once.py` runs the full 2 minutes and prints figures.
"""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from tests.processes import wait_for
from tests.scale.conftest import interval_jobs
from tests.scale.occurrences import pause_all, tally
from tests.services import needs_postgres, needs_redis
from thx_cron.models import JobLog

pytestmark = [pytest.mark.slow, needs_postgres]

JOBS = 300
EVERY = 2
SECONDS = 20
WORKERS = 3


def run_fleet_and_tally(pg_db, make_fleet, *, redis: bool):
    fleet = make_fleet(pg_db, redis=redis)
    jobs = interval_jobs(pg_db.alias, JOBS, EVERY)
    for i in range(WORKERS):
        fleet.start(f"worker{i}")
    end = time.monotonic() + SECONDS
    while time.monotonic() < end:
        fleet.assert_alive()
        time.sleep(1)
    # Stop dispatching (pausing keeps each job's next run time as the boundary), then let the
    # workers finish what was queued before they are stopped.
    paused_at = timezone.now()
    pause_all(pg_db.alias)
    active = JobLog.objects.using(pg_db.alias).filter(status__in=JobLog.ACTIVE_STATUSES)
    wait_for(lambda: not active.exists(), timeout=120, interval=0.5)
    fleet.assert_alive()
    result = tally(pg_db.alias, fleet.witness, jobs)
    print(result.summary())
    assert not result.problems(), result.problems()
    # Nothing is left behind: the dispatchers kept up until the pause.
    assert result.oldest_next_run is not None
    assert (paused_at - result.oldest_next_run).total_seconds() < 3 * EVERY, result.oldest_next_run
    assert result.occurrences >= JOBS * (SECONDS // EVERY - 3)
    assert result.statuses.keys() <= {JobLog.Status.SUCCEEDED, JobLog.Status.SKIPPED}, result
    # The runs spread over the workers. `worker` names the django-q2 worker process, which
    # django-q2 replaces after 500 tasks (its `recycle`), so some names carry only a few runs:
    # the check is that several processes shared the work and none carried most of it.
    per_process = {name.rsplit(":", 1)[1] for name in result.workers}
    assert len(result.workers) >= WORKERS, result.workers
    assert max(result.workers.values()) < result.occurrences / 2, result.workers
    assert "database is locked" not in fleet.all_logs()
    return per_process


@needs_redis
def test_three_workers_on_postgres_and_redis_run_each_occurrence_exactly_once(pg_db, make_fleet):
    run_fleet_and_tally(pg_db, make_fleet, redis=True)


def test_three_workers_on_postgres_with_the_orm_broker_run_each_occurrence_exactly_once(
    pg_db, make_fleet
):
    run_fleet_and_tally(pg_db, make_fleet, redis=False)
