"""A second run of a job while its first run is still running: allow, skip or queue it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.core.builders import at
from thx_cron import dispatch, lifecycle
from thx_cron.models import JobEvent, JobLog
from thx_cron.runner import execution

pytestmark = pytest.mark.django_db

T0 = at("2027-03-01T10:00:00")


def two_runs(job):
    first = lifecycle.create_run(job, now=T0)
    second = lifecycle.create_run(job, now=T0)
    assert lifecycle.start(job, first, now=T0).status == "running"
    return first, second


def test_allow_lets_runs_of_one_job_overlap(make_job):
    job = make_job(overlap_policy="allow")
    _, second = two_runs(job)
    assert lifecycle.start(job, second, now=T0).status == "running"
    assert JobLog.objects.filter(job=job, status="running").count() == 2


def test_skip_ends_the_second_run_skipped_naming_the_running_one(make_job):
    job = make_job(overlap_policy="skip")
    first, second = two_runs(job)
    skipped = lifecycle.start(job, second, now=T0)
    assert skipped.status == "skipped"
    assert skipped.error == f"Skipped: run {first.pk} of this job was still running."
    assert JobEvent.objects.filter(run=second).last().kind == "skipped"
    job.refresh_from_db()
    # The running first run is read from the run; the job's summary holds finished runs only,
    # and a skip stands in for a last outcome only while there is none yet.
    assert JobLog.objects.get(pk=first.pk).status == "running"
    assert (job.last_run_id, job.last_status, job.run_count) == (second.pk, "skipped", 0)


def test_queue_holds_the_second_run_until_the_first_finishes(make_job):
    job = make_job(overlap_policy="queue")
    first, second = two_runs(job)
    assert lifecycle.start(job, second, now=T0) is None
    second.refresh_from_db()
    assert second.status == "queued" and second.enqueued_at is None
    assert second.due_at > T0
    assert dispatch.enqueue_ready(T0) == 0

    done = T0 + timedelta(seconds=1)
    lifecycle.complete(job, first, "ok", now=done)
    second.refresh_from_db()
    assert second.due_at == done
    assert dispatch.enqueue_ready(done) == 1
    assert execution.execute(second.pk) == "succeeded"


def test_a_run_that_is_no_longer_queued_is_not_started_again(make_job):
    job = make_job(overlap_policy="allow")
    run = lifecycle.create_run(job, now=T0)
    assert lifecycle.start(job, run, now=T0).status == "running"
    assert lifecycle.start(job, run, now=T0) is None
    assert execution.execute(run.pk) == "running"  # a second delivery of the task is a no-op
