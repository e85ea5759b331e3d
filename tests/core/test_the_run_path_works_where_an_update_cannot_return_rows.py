"""On a database whose UPDATE cannot return the rows it changed (SQLite before 3.35), the run
path's statements find out what they changed another way: one row at a time for outcomes, and a
read of the claimed runs for a claim. The same runs must end the same way."""

from __future__ import annotations

import pytest

from thx_cron import lifecycle, statements
from thx_cron.models import Job, JobEvent, JobLog
from thx_cron.runner import execution

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def no_returning(monkeypatch):
    # What statements learns from the database's version: here, an UPDATE without RETURNING.
    monkeypatch.setattr(statements, "_can_return_from_update", lambda db: False)
    monkeypatch.setattr(execution, "GROUP_SECONDS", 60.0)  # every outcome of a task together
    monkeypatch.setattr(execution, "RESTART_AFTER", 60.0)


def test_a_task_of_runs_is_claimed_and_ended_once_each(make_job):
    jobs = [make_job(name=f"plain-{n}", overlap_policy=Job.Overlap.ALLOW) for n in range(3)]
    runs = [lifecycle.create_run(job, enqueued=True) for job in jobs]
    assert execution.execute(*(run.pk for run in runs)) == JobLog.Status.SUCCEEDED
    for run in runs:
        run.refresh_from_db()
        assert (run.status, run.result) == ("succeeded", "hello")
        kinds = list(JobEvent.objects.filter(run=run).values_list("kind", flat=True))
        assert kinds == ["queued", "started", "succeeded"]
    assert set(Job.objects.values_list("run_count", "success_count", "last_status")) == {
        (1, 1, "succeeded")
    }


def test_a_claim_takes_only_the_runs_still_queued(make_job):
    jobs = [make_job(name=f"plain-{n}", overlap_policy=Job.Overlap.ALLOW) for n in range(3)]
    runs = [lifecycle.create_run(job, enqueued=True) for job in jobs]
    lifecycle.cancel(runs[1])  # cancelled while its task waited in the queue
    assert lifecycle.start(jobs[2], runs[2], worker="other:1") is not None  # another worker's
    execution.execute(*(run.pk for run in runs))
    statuses = [JobLog.objects.get(pk=run.pk).status for run in runs]
    assert statuses == ["succeeded", "cancelled", "running"]
    assert JobLog.objects.get(pk=runs[2].pk).worker == "other:1"
    assert JobEvent.objects.filter(kind="started").count() == 2


def test_outcomes_are_written_only_to_the_runs_still_active(make_job):
    jobs = [make_job(name=f"plain-{n}", overlap_policy=Job.Overlap.ALLOW) for n in range(2)]
    runs = [lifecycle.start(job, lifecycle.create_run(job, enqueued=True)) for job in jobs]
    assert all(run is not None for run in runs)
    lost = runs[0]
    lifecycle.error(jobs[0], lost, "worker went silent", status=JobLog.Status.LOST, retry=False)
    endings = [
        lifecycle.Ending.success(job, run, "late", output="")
        for job, run in zip(jobs, runs, strict=True)
    ]
    ended = lifecycle.finish(endings)  # each run as it ended: the lost one as it was
    assert [(run.pk, run.status) for run in ended] == [(lost.pk, "lost"), (runs[1].pk, "succeeded")]
    assert [JobLog.objects.get(pk=run.pk).status for run in runs] == ["lost", "succeeded"]
    assert list(Job.objects.order_by("pk").values_list("success_count", flat=True)) == [0, 1]
