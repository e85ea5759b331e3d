"""End to end: a real `thx-cron worker` (django-q2 cluster + dispatcher) on the SQLite test DB."""

from __future__ import annotations

import pytest

from tests.processes import sqlite_url, thx_process, wait_for
from thx_cron.models import JobLog

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_an_every_second_job_runs_by_its_schedule_with_captured_output(make_job, tmp_path):
    job = make_job(
        schedule_kind="interval", cron="", every_seconds=1, action="demo.echo", args=["tick"]
    )
    succeeded = JobLog.objects.filter(job=job, status="succeeded")
    with thx_process(["worker"], sqlite_url(), log=tmp_path / "worker.log"):
        wait_for(lambda: succeeded.count() >= 2, timeout=60)
    runs = list(succeeded.order_by("scheduled_for"))
    assert {run.trigger for run in runs} <= {"schedule", "catch_up"}
    assert len({run.scheduled_for for run in runs}) == len(runs)
    for run in runs:
        assert run.output == "tick\n"
        assert run.result == "tick"
        assert run.started_at >= run.scheduled_for
        assert run.pid is not None and run.task_id
    job.refresh_from_db()
    assert job.last_status == "succeeded" and job.success_count >= 2
    assert job.next_run_at > runs[-1].scheduled_for
