"""Saving a job loaded earlier (admin form, API) must not undo what its runs recorded since."""

from __future__ import annotations

import pytest

from tests.core.builders import at, make_due
from thx_cron import dispatch, lifecycle
from thx_cron.models import Job
from thx_cron.runner import execution

pytestmark = pytest.mark.django_db


def summary(job_id):
    return Job.objects.values(
        "last_run", "last_status", "run_count", "success_count", "occurrence_count"
    ).get(pk=job_id)


@pytest.fixture
def stale_job(make_job):
    """A job instance loaded before one of its runs finished."""
    job = make_job(action="tests.noop", args=[])
    loaded = Job.objects.get(pk=job.pk)
    execution.execute_run(lifecycle.create_run(job))
    return loaded


def test_pausing_a_job_loaded_before_a_run_keeps_the_run_summary(stale_job):
    recorded = summary(stale_job.pk)
    stale_job.pause()
    assert summary(stale_job.pk) == recorded
    assert Job.objects.get(pk=stale_job.pk).enabled is False


def test_editing_a_job_loaded_before_a_run_keeps_the_run_summary(stale_job):
    recorded = summary(stale_job.pk)
    assert recorded["run_count"] == 1
    stale_job.description = "edited"
    stale_job.save()
    assert summary(stale_job.pk) == recorded
    assert Job.objects.get(pk=stale_job.pk).description == "edited"


def test_raising_max_runs_of_a_job_that_used_them_up_schedules_it_again(make_job):
    job = make_due(make_job(cron="*/5 * * * *", max_runs=1), at("2027-03-01T10:00:00"))
    dispatch.claim_due(at("2027-03-01T10:00:01"))
    job.refresh_from_db()
    assert job.next_run_at is None
    job.max_runs = 2
    job.full_clean()
    job.save()
    assert Job.objects.get(pk=job.pk).next_run_at is not None
