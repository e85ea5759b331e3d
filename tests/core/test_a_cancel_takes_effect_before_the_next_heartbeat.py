"""A cancel request stops a running run at the next one-second look, not the next heartbeat."""

from __future__ import annotations

import pytest

from tests.processes import sqlite_url, thx_process, wait_for
from thx_cron import dispatch, lifecycle
from thx_cron.models import JobLog

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_a_running_run_is_cancelled_before_its_first_heartbeat(make_job, tmp_path):
    job = make_job(action="tests.busy_loop", args=[120], cron="0 0 1 1 *")
    # Heartbeats every 30 s: only the one-second look can stop the run before the first beat.
    with thx_process(
        ["worker", "--no-dispatcher"],
        sqlite_url(),
        log=tmp_path / "worker.log",
        THX_CRON_HEARTBEAT_SECONDS="30",
        THX_CRON_LEASE_SECONDS="120",
    ):
        run = lifecycle.create_run(job)
        dispatch.enqueue_now(run)
        wait_for(lambda: JobLog.objects.filter(pk=run.pk, status="running").exists(), 60)
        asked = lifecycle.cancel(JobLog.objects.get(pk=run.pk))
        assert (asked.status, asked.cancel_requested) == ("running", True)
        wait_for(lambda: JobLog.objects.filter(pk=run.pk, status="cancelled").exists(), 25)
    run.refresh_from_db()
    # No heartbeat was written between the start and the end: the run never reached one.
    assert run.heartbeat_at == run.started_at
