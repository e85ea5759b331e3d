"""Pausing a job stops what the schedule queued (and retries), not what a person asked for."""

from __future__ import annotations

from typing import Any

from thx_cron import lifecycle
from thx_cron.models import JobLog


def test_pausing_cancels_queued_scheduled_runs_and_retries_but_not_manual_runs(
    make_job: Any,
) -> None:
    job = make_job()
    scheduled = lifecycle.create_run(job, trigger=JobLog.Trigger.SCHEDULE)
    retry = lifecycle.create_run(job, trigger=JobLog.Trigger.RETRY)
    manual = lifecycle.create_run(job, trigger=JobLog.Trigger.MANUAL)
    job.pause()
    statuses = dict(JobLog.objects.values_list("pk", "status"))
    assert statuses == {
        scheduled.pk: JobLog.Status.CANCELLED,
        retry.pk: JobLog.Status.CANCELLED,
        manual.pk: JobLog.Status.QUEUED,
    }
    job.refresh_from_db()
    assert job.enabled is False and job.next_run_at is None
