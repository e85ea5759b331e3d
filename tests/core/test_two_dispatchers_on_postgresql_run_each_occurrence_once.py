"""Two dispatcher processes race over the same 200 due jobs on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.db import connections
from django.db.models import Count
from django.utils import timezone

from tests.processes import ROOT, process_env
from tests.services import needs_postgres
from thx_cron.models import Job, JobEvent, JobLog

pytestmark = [
    needs_postgres,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, databases=["default", "postgres"]),
]

JOBS = 200


def postgres_test_url() -> str:
    """Return the URL of the PostgreSQL test database this session created."""
    conf = connections["postgres"].settings_dict
    auth = quote(conf["USER"] or "")
    if conf["PASSWORD"]:
        auth += ":" + quote(conf["PASSWORD"])
    return f"postgres://{auth}@{conf['HOST']}:{conf['PORT'] or 5432}/{conf['NAME']}"


def test_each_occurrence_gets_exactly_one_run_when_two_dispatchers_race():
    # Due a few seconds from now, so that both dispatchers are up and wake for the same instant.
    due = timezone.now().replace(microsecond=0) + timedelta(seconds=4)
    Job.objects.using("postgres").bulk_create(
        Job(
            name=f"race-{index}",
            action="tests.noop",
            schedule_kind=Job.ScheduleKind.INTERVAL,
            every_seconds=3600,
            start_at=due,
            next_run_at=due,
        )
        for index in range(JOBS)
    )
    env = process_env(postgres_test_url())
    dispatchers = [
        subprocess.Popen(
            [sys.executable, "-m", "thx_cron", "dispatch", "--seconds", "9"],
            env=env,
            cwd=str(ROOT),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    for dispatcher in dispatchers:
        out, _ = dispatcher.communicate(timeout=120)
        assert dispatcher.returncode == 0, out

    runs = JobLog.objects.using("postgres").filter(job__name__startswith="race-")
    assert runs.count() == JOBS
    per_job = runs.values("job_id").annotate(n=Count("id")).values_list("n", flat=True)
    assert set(per_job) == {1}
    assert set(runs.values_list("scheduled_for", flat=True)) == {due}
    jobs = Job.objects.using("postgres").filter(name__startswith="race-")
    assert set(jobs.values_list("occurrence_count", "next_run_at")) == {
        (1, due + timedelta(seconds=3600))
    }
    queued = JobEvent.objects.using("postgres").filter(kind="queued", run__in=runs)
    assert queued.count() == JOBS
