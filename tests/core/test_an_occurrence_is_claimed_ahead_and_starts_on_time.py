"""The dispatcher claims an occurrence up to CLAIM_AHEAD seconds before it is due and hands its
task over with the instant to start it; the worker waits for that instant. At the occurrence
the workers start runs instead of waiting for the dispatcher, and no run starts early or twice."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.checks import run_checks
from django.utils import timezone
from django_q.models import OrmQ

from tests.core.builders import at, make_due
from tests.processes import sqlite_url, thx_process, wait_for
from thx_cron import dispatch, lifecycle
from thx_cron.models import Job, JobEvent, JobLog
from thx_cron.processes.worker import seconds_until_next_due
from thx_cron.runner import execution

pytestmark = pytest.mark.django_db(transaction=True)

DUE = at("2027-03-01T10:00:00")


def once(make_job, when, **fields) -> Job:
    """A job due once, at `when` (any instant, not only a minute's start)."""
    return make_job(schedule_kind="once", cron="", run_at=when, **fields)


def tasks() -> list[tuple[list[int], dict[str, object]]]:
    """The run ids and keyword arguments of the tasks in django-q2's ORM broker, oldest first."""
    return [(list(q.task["args"]), q.task["kwargs"]) for q in OrmQ.objects.order_by("id")]


def test_a_job_due_within_claim_ahead_is_claimed_with_its_start_instant(make_job, settings):
    settings.THX_CRON_CLAIM_AHEAD = 1.0
    job = make_due(make_job(cron="0 10 * * *"), DUE)
    claimed = dispatch.tick(DUE - timedelta(seconds=0.6)).claimed
    run = JobLog.objects.get(job=job)
    assert claimed == [run.pk]
    assert (run.status, run.trigger, run.scheduled_for, run.due_at) == (
        "queued",
        "schedule",
        DUE,
        DUE,
    )
    assert run.queued_at == DUE - timedelta(seconds=0.6)
    assert tasks() == [([run.pk], {"start_at": DUE.timestamp()})]
    job.refresh_from_db()
    assert job.next_run_at == DUE + timedelta(days=1)
    assert list(JobEvent.objects.filter(run=run).values_list("kind", flat=True)) == ["queued"]


def test_a_job_due_later_than_claim_ahead_waits(make_job, settings):
    settings.THX_CRON_CLAIM_AHEAD = 1.0
    make_due(make_job(cron="0 10 * * *"), DUE)
    assert dispatch.tick(DUE - timedelta(seconds=1.5)).claimed == []
    settings.THX_CRON_CLAIM_AHEAD = 0
    assert dispatch.tick(DUE - timedelta(seconds=0.1)).claimed == []
    assert not JobLog.objects.exists()


def test_a_tick_claims_ahead_only_the_next_instant(make_job, settings):
    # Runs of one task all start at one instant: a later one waits for the next tick.
    settings.THX_CRON_CLAIM_AHEAD = 1.0
    first = once(make_job, DUE)
    second = once(make_job, DUE + timedelta(seconds=0.5))
    dispatch.tick(DUE - timedelta(seconds=0.2))
    assert list(JobLog.objects.values_list("job", flat=True)) == [first.pk]
    dispatch.tick(DUE - timedelta(seconds=0.1))
    assert list(JobLog.objects.order_by("pk").values_list("job", "due_at")) == [
        (first.pk, DUE),
        (second.pk, DUE + timedelta(seconds=0.5)),
    ]
    assert [kwargs["start_at"] for _, kwargs in tasks()] == [
        DUE.timestamp(),
        (DUE + timedelta(seconds=0.5)).timestamp(),
    ]


def test_an_occurrence_claimed_ahead_is_not_claimed_again_when_due(make_job, settings):
    settings.THX_CRON_CLAIM_AHEAD = 1.0
    job = make_due(make_job(cron="0 10 * * *"), DUE)
    dispatch.tick(DUE - timedelta(seconds=0.5))
    Job.objects.filter(pk=job.pk).update(next_run_at=DUE)  # as a schedule edited back to it
    result = dispatch.tick(DUE)
    assert result.claimed == []
    assert JobLog.objects.filter(job=job).count() == 1
    assert result.enqueued == 0  # it is in the broker already


def test_due_jobs_are_claimed_before_the_ones_ahead(make_job, settings):
    settings.THX_CRON_CLAIM_AHEAD = 1.0
    settings.THX_CRON_DISPATCH_BATCH = 1
    late = once(make_job, DUE - timedelta(seconds=5))
    soon = once(make_job, DUE)
    dispatch.tick(DUE - timedelta(seconds=0.5))
    assert list(JobLog.objects.values_list("job", flat=True)) == [late.pk]
    dispatch.tick(DUE - timedelta(seconds=0.4))
    assert list(JobLog.objects.order_by("pk").values_list("job", flat=True)) == [late.pk, soon.pk]


def test_the_dispatcher_wakes_claim_ahead_before_the_next_occurrence(make_job, settings):
    settings.THX_CRON_CLAIM_AHEAD = 2.0
    job = make_job(cron="0 10 * * *")
    make_due(job, timezone.now() + timedelta(seconds=5))
    assert 2.0 <= seconds_until_next_due(60) <= 3.0
    make_due(job, timezone.now() + timedelta(seconds=1))
    assert seconds_until_next_due(60) == 0.0


def test_a_task_claimed_ahead_starts_its_runs_at_the_instant_not_before(make_job, settings):
    settings.THX_CRON_CLAIM_AHEAD = 1.0
    jobs = [make_job(name=f"ahead-{n}", overlap_policy=Job.Overlap.ALLOW) for n in range(2)]
    runs = [lifecycle.create_run(job, enqueued=True) for job in jobs]
    start_at = time.time() + 0.4
    assert execution.execute(*(run.pk for run in runs), start_at=start_at) == "succeeded"
    for run in runs:
        run.refresh_from_db()
        assert run.status == "succeeded"
        assert run.started_at.timestamp() >= start_at


def test_a_run_cancelled_while_its_task_waits_does_not_start(make_job, settings):
    settings.THX_CRON_CLAIM_AHEAD = 1.0
    job = make_job()
    run = lifecycle.create_run(job, enqueued=True)
    lifecycle.cancel(run)
    execution.execute(run.pk, start_at=time.time() + 0.2)
    run.refresh_from_db()
    assert (run.status, run.started_at) == ("cancelled", None)


def test_a_start_instant_far_off_waits_claim_ahead_and_a_second_at_most(make_job, settings):
    # A worker whose clock is far behind the dispatcher's must not hold the task for long.
    settings.THX_CRON_CLAIM_AHEAD = 0
    run = lifecycle.create_run(make_job(), enqueued=True)
    assert execution.execute(run.pk, start_at=time.time() + 3600) == "succeeded"


@pytest.mark.parametrize("value", [-1, 10.5, "1"])
def test_claim_ahead_out_of_range_is_reported_by_check(settings, value):
    settings.THX_CRON_CLAIM_AHEAD = value
    messages = [m for m in run_checks() if "THX_CRON_CLAIM_AHEAD" in m.msg]
    assert [(m.id, m.msg) for m in messages] == [
        (
            "thx_cron.E001",
            f"THX_CRON_CLAIM_AHEAD must be a number between 0 and 10, got {value!r}.",
        )
    ]


@pytest.mark.slow
def test_a_real_worker_starts_a_burst_claimed_ahead_on_time_and_once(make_job, tmp_path):
    # Due a few seconds after the worker starts: its dispatcher claims them ahead.
    due = (timezone.now() + timedelta(seconds=8)).replace(microsecond=0)
    jobs = [once(make_job, due, name=f"burst-{n}") for n in range(12)]
    finished = JobLog.objects.filter(scheduled_for=due, status="succeeded")
    with thx_process(["worker"], sqlite_url(), log=tmp_path / "worker.log"):
        wait_for(lambda: finished.count() >= len(jobs), timeout=60)
    runs = list(JobLog.objects.filter(scheduled_for=due))
    assert sorted(run.job_id for run in runs) == sorted(job.pk for job in jobs)  # once each
    for run in runs:
        assert run.queued_at < due  # claimed ahead
        assert run.started_at >= due  # and started on time, not before
