"""THX_CRON_MAX_RUNNING_PER_USER across two worker processes on PostgreSQL: one user never has
more runs running than the limit, every held run still runs, and each exactly once."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.processes import wait_for
from tests.scale.witness import executions
from tests.services import needs_postgres
from thx_cron.models import Job, JobLog

pytestmark = [pytest.mark.slow, needs_postgres]

LIMIT = 2
RUNS = 6
SECONDS = 1.5


def most_at_once(runs: list[JobLog]) -> int:
    """The largest number of `runs` that were running at one instant."""
    edges = sorted([(run.started_at, 1) for run in runs] + [(run.finished_at, -1) for run in runs])
    current = peak = 0
    for _, step in edges:
        current += step
        peak = max(peak, current)
    return peak


def test_two_workers_on_postgresql_keep_one_users_running_runs_within_the_limit(
    pg_db: Any, make_fleet: Any
) -> None:
    users = get_user_model().objects.db_manager(pg_db.alias)
    alice, bob = users.create_user("alice"), users.create_user("bob")
    jobs = []
    for owner in [alice] * RUNS + [bob] * 2:
        job = Job(
            owner=owner,
            name=f"{owner.username}-{len(jobs)}",
            action="scale.witness",
            cron="0 0 1 1 *",
        )
        job.save(using=pg_db.alias)
        job.args = [job.pk, SECONDS]
        job.save(using=pg_db.alias, update_fields=["args"])
        jobs.append(job)
    now = timezone.now()
    runs = JobLog.objects.using(pg_db.alias)
    runs.bulk_create([JobLog(job=job, trigger="manual", queued_at=now, due_at=now) for job in jobs])
    fleet = make_fleet(pg_db)
    limit = {"THX_CRON_MAX_RUNNING_PER_USER": str(LIMIT), "THX_CRON_WORKERS": "2"}
    fleet.start("worker0", **limit)
    fleet.start("worker1", **limit)
    wait_for(
        lambda: runs.filter(status="succeeded").count() == len(jobs) or fleet.assert_alive(),
        timeout=120,
        interval=0.5,
    )
    assert runs.count() == len(jobs)
    assert executions(fleet.witness) == {job.pk: 1 for job in jobs}
    alices = list(runs.filter(job__owner=alice))
    assert most_at_once(alices) == LIMIT
