"""Recovery with real processes: a worker dies mid-run; the run ends `lost`, never stays running.

tests/process_settings.py sets a 0.2 s heartbeat and a 2 s lease, so a live dispatcher notices
the silent run within seconds. Runs are created here and enqueued by the workers' own
dispatchers (the queue of a django-q2 cluster is keyed by its name, which differs here).
"""

from __future__ import annotations

import os
import signal

import pytest

from tests.processes import sqlite_url, thx_process, wait_for
from thx_cron import lifecycle
from thx_cron.models import JobEvent, JobLog

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def status_of(run: JobLog) -> str:
    return JobLog.objects.values_list("status", flat=True).get(pk=run.pk)


def test_a_run_whose_process_is_killed_ends_lost_and_the_job_keeps_its_schedule(make_job, tmp_path):
    job = make_job(action="tests.kill_self", args=[], cron="0 0 1 1 *")
    next_run_at = job.next_run_at
    run = lifecycle.create_run(job)
    with thx_process(["worker"], sqlite_url(), log=tmp_path / "worker.log"):
        wait_for(lambda: status_of(run) == "lost", timeout=60)
    run.refresh_from_db()
    assert "stopped reporting" in run.error
    assert run.started_at is not None and run.finished_at is not None
    assert JobEvent.objects.filter(run=run, kind="lost").count() == 1
    job.refresh_from_db()
    assert (job.last_status, job.next_run_at) == ("lost", next_run_at)


def test_a_run_on_a_worker_killed_outright_is_recovered_by_another_dispatcher(make_job, tmp_path):
    job = make_job(action="demo.sleep", args=[60], cron="0 0 1 1 *", timeout_seconds=120)
    run = lifecycle.create_run(job)
    with thx_process(["worker"], sqlite_url(), log=tmp_path / "doomed.log") as doomed:
        with thx_process(["dispatch"], sqlite_url(), log=tmp_path / "survivor.log"):
            wait_for(lambda: status_of(run) == "running", timeout=60)
            os.killpg(doomed.pid, signal.SIGKILL)  # the whole worker: cluster and dispatcher
            wait_for(lambda: status_of(run) == "lost", timeout=30)
    run.refresh_from_db()
    assert run.finished_at is not None
    assert run.error.startswith(f"The worker {run.worker} stopped reporting")
