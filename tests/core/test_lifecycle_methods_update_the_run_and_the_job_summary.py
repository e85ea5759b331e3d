"""job.start / job.complete / job.error: the run, the job's summary and the events, together."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction

from tests.core.builders import at
from thx_cron.models import Job, JobEvent, JobLog

pytestmark = pytest.mark.django_db

T0 = at("2027-03-01T10:00:00")


def kinds(run):
    return list(JobEvent.objects.filter(run=run).values_list("kind", flat=True))


def test_start_without_a_run_creates_a_manual_run_and_marks_it_running(make_job):
    job = make_job()
    next_run_at = job.next_run_at
    run = job.start(worker="host-a:17", now=T0)
    assert (run.status, run.trigger, run.started_at) == ("running", "manual", T0)
    assert (run.host, run.pid) == ("host-a", 17)
    assert run.deadline_at == T0 + timedelta(seconds=job.effective_timeout)
    # The job's summary describes finished runs: a start leaves the job's row alone, and that
    # the job is running is read from its runs.
    job.refresh_from_db()
    assert (job.last_run_id, job.last_status, job.run_count) == (None, "", 0)
    assert list(job.runs.filter(status="running")) == [run]
    assert job.next_run_at == next_run_at
    assert kinds(run) == ["queued", "started"]
    job.complete(run, now=T0 + timedelta(seconds=1))
    job.refresh_from_db()
    assert (job.last_run_id, job.last_status, job.run_count) == (run.pk, "succeeded", 1)


def test_complete_records_result_duration_and_resets_the_failure_streak(make_job):
    job = make_job()
    Job.objects.filter(pk=job.pk).update(consecutive_failures=4)
    run = job.start(now=T0)
    done = job.complete(run, {"rows": 3}, now=T0 + timedelta(seconds=2.5))
    assert (done.status, done.result, done.duration_seconds) == ("succeeded", {"rows": 3}, 2.5)
    job.refresh_from_db()
    assert (job.last_status, job.consecutive_failures, job.success_count) == ("succeeded", 0, 1)
    event = JobEvent.objects.filter(run=run).last()
    assert (event.kind, event.data["previous_consecutive_failures"]) == ("succeeded", 4)


def test_error_records_the_exception_and_counts_the_failure(make_job):
    job = make_job()
    run = job.start(now=T0)
    try:
        raise KeyError("missing row")
    except KeyError as exc:
        failed = job.error(run, exc, now=T0 + timedelta(seconds=1))
    assert (failed.status, failed.error) == ("failed", "KeyError: 'missing row'")
    assert 'raise KeyError("missing row")' in failed.traceback
    job.refresh_from_db()
    assert (job.last_status, job.consecutive_failures, job.failure_count) == ("failed", 1, 1)
    assert JobEvent.objects.filter(run=run).last().data["consecutive_failures"] == 1


def test_a_finished_run_cannot_be_finished_again(make_job):
    job = make_job()
    run = job.complete(job.start(now=T0), "first", now=T0)
    again = job.error(run, "second opinion", now=T0)
    assert (again.status, again.result) == ("succeeded", "first")
    assert kinds(run) == ["queued", "started", "succeeded"]
    job.refresh_from_db()
    assert (job.success_count, job.failure_count) == (1, 0)


def test_a_change_and_its_event_are_rolled_back_together(make_job):
    job = make_job()
    run = job.start(now=T0)
    with pytest.raises(RuntimeError), transaction.atomic():
        job.complete(run, "ok", now=T0)
        raise RuntimeError("the surrounding transaction fails")
    assert JobLog.objects.get(pk=run.pk).status == "running"
    assert kinds(run) == ["queued", "started"]
