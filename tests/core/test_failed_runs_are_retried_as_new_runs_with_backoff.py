from __future__ import annotations

from datetime import timedelta

import pytest

from thx_cron import dispatch, lifecycle
from thx_cron.models import JobEvent, JobLog
from thx_cron.runner import execution

pytestmark = pytest.mark.django_db


def test_a_flaky_action_succeeds_on_its_third_attempt(make_job, tmp_path):
    marker = str(tmp_path / "attempts")
    job = make_job(action="tests.flaky", args=[marker, 2], max_retries=3, retry_backoff_seconds=10)
    run = lifecycle.create_run(job)
    assert execution.execute(run.pk) == "failed"

    for attempt, backoff in ((2, 10), (3, 20)):
        failed = JobLog.objects.get(job=job, attempt=attempt - 1)
        retry = JobLog.objects.get(retry_of=failed)
        assert (retry.trigger, retry.attempt, retry.status) == ("retry", attempt, "queued")
        assert retry.due_at == failed.finished_at + timedelta(seconds=backoff)
        assert dispatch.enqueue_ready(retry.due_at - timedelta(seconds=1)) == 0
        assert dispatch.enqueue_ready(retry.due_at) == 1
        execution.execute(retry.pk)

    last = JobLog.objects.get(job=job, attempt=3)
    assert (last.status, last.result) == ("succeeded", 3)
    assert not JobLog.objects.filter(retry_of=last).exists()
    job.refresh_from_db()
    assert (job.consecutive_failures, job.failure_count, job.success_count) == (0, 2, 1)
    assert JobEvent.objects.filter(job=job, kind="queued").count() == 3


def test_no_retry_is_queued_once_the_retries_are_used_up(make_job):
    job = make_job(action="demo.fail", args=["boom"], max_retries=1, retry_backoff_seconds=1)
    first = execution.execute_run(lifecycle.create_run(job))
    retry = JobLog.objects.get(retry_of=first)
    second = execution.execute_run(retry)
    assert second.status == "failed" and second.error == "DemoFailure: boom"
    assert "raise DemoFailure(message)" in second.traceback
    assert JobLog.objects.filter(job=job).count() == 2
    job.refresh_from_db()
    assert job.consecutive_failures == 2


def test_a_job_without_retries_is_not_retried(make_job):
    job = make_job(action="demo.fail", args=["boom"])
    execution.execute_run(lifecycle.create_run(job))
    assert JobLog.objects.filter(job=job).count() == 1


def test_the_backoff_doubles_up_to_the_maximum(make_job, settings):
    settings.THX_CRON_MAX_RETRY_BACKOFF = 100
    job = make_job(retry_backoff_seconds=30)
    delays = [lifecycle.retry_delay(job, attempt).total_seconds() for attempt in (1, 2, 3, 4)]
    assert delays == [30, 60, 100, 100]
