"""`demo.count` prints a number a second, and each appears as an output event within a second."""

from __future__ import annotations

import pytest

from tests.processes import sqlite_url, thx_process, wait_for
from thx_cron import dispatch, lifecycle
from thx_cron.models import JobEvent, JobLog

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_each_number_is_published_before_the_run_ends(make_job, tmp_path):
    job = make_job(action="demo.count", args=[4, 1.0], cron="0 0 1 1 *")
    # Heartbeats every 30 s: the output can only come from the one-second steps between them.
    with thx_process(
        ["worker", "--no-dispatcher"],
        sqlite_url(),
        log=tmp_path / "worker.log",
        THX_CRON_HEARTBEAT_SECONDS="30",
        THX_CRON_LEASE_SECONDS="120",
    ):
        run = lifecycle.create_run(job)
        dispatch.enqueue_now(run)
        wait_for(lambda: JobLog.objects.filter(pk=run.pk, status="succeeded").exists(), 60)
    events = JobEvent.objects.filter(run=run).order_by("id")
    appended = [e.data["appended"] for e in events if e.kind == "output"]
    assert len(appended) >= 2, appended  # streamed in pieces, not once at the end
    assert "".join(appended).startswith("1\n2\n")
    finished = next(e.pk for e in events if e.kind == "succeeded")
    assert all(e.pk < finished for e in events if e.kind == "output")
    assert JobLog.objects.get(pk=run.pk).output == "1\n2\n3\n4\n"


def test_bad_arguments_are_refused_naming_them(make_job):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="to must be a whole number from 1 to 1000"):
        make_job(action="demo.count", args=[0])
