from __future__ import annotations

import threading

import pytest

from tests.processes import wait_for
from thx_cron import lifecycle
from thx_cron.models import JobEvent, JobLog
from thx_cron.runner import execution


@pytest.mark.django_db
def test_cancelling_a_queued_run_ends_it_at_once(make_job):
    job = make_job()
    run = lifecycle.cancel(lifecycle.create_run(job))
    assert (run.status, run.error) == ("cancelled", "Cancelled before it started.")
    assert JobEvent.objects.filter(run=run).last().kind == "cancelled"
    assert execution.execute(run.pk) == "cancelled"  # its task arriving later does nothing


@pytest.mark.django_db
def test_cancelling_a_finished_run_changes_nothing(make_job):
    job = make_job(action="tests.noop", args=[])
    run = execution.execute_run(lifecycle.create_run(job))
    assert lifecycle.cancel(run).status == "succeeded"
    assert not JobLog.objects.get(pk=run.pk).cancel_requested


@pytest.mark.django_db(transaction=True)
def test_cancelling_a_running_run_stops_its_action(make_job):
    job = make_job(action="demo.sleep", args=[30], timeout_seconds=60)
    run = lifecycle.create_run(job)

    def cancel_when_running() -> None:
        wait_for(lambda: JobLog.objects.filter(pk=run.pk, status="running").exists(), 10)
        lifecycle.cancel(run)

    canceller = threading.Thread(target=cancel_when_running)
    canceller.start()
    ended = execution.execute_run(run)
    canceller.join()
    assert ended.status == "cancelled"
    assert ended.error == "RunCancelled: The run was cancelled."
    assert ended.duration_seconds < 20
