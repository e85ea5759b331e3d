"""Catch-up runs queued together start in occurrence order, even when a later one is first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from thx_cron import lifecycle
from thx_cron.models import JobLog

T0 = datetime(2030, 1, 1, 9, tzinfo=UTC)


def test_a_later_occurrence_picked_first_waits_for_the_earlier_one(make_job):
    job = make_job(overlap_policy="skip")
    earlier, later = (
        JobLog.objects.create(
            job=job,
            trigger="catch_up",
            scheduled_for=T0 + timedelta(minutes=minute),
            queued_at=T0 + timedelta(minutes=2),
            due_at=T0 + timedelta(minutes=2),
        )
        for minute in (0, 1)
    )
    now = T0 + timedelta(minutes=2, seconds=1)
    # The second worker is quicker: the later run is not skipped, it steps back.
    assert lifecycle.start(job, later, now=now) is None
    later.refresh_from_db()
    assert later.status == "queued" and later.due_at > now and later.enqueued_at is None
    started = lifecycle.start(job, earlier, now=now)
    assert started is not None and started.status == "running"
    lifecycle.complete(job, started, now=now + timedelta(seconds=1))
    again = lifecycle.start(job, later, now=now + timedelta(seconds=2))
    assert again is not None and again.status == "running"
    assert list(JobLog.objects.order_by("scheduled_for").values_list("status", flat=True)) == [
        "succeeded",
        "running",
    ]


def test_manual_runs_do_not_wait_for_queued_occurrences(make_job):
    job = make_job(overlap_policy="skip")
    JobLog.objects.create(job=job, trigger="schedule", scheduled_for=T0, due_at=T0)
    manual = lifecycle.create_run(job, now=T0)
    started = lifecycle.start(job, manual, now=T0)
    assert started is not None and started.status == "running"


def test_a_later_occurrence_claimed_with_other_jobs_runs_is_held_back_for_the_earlier_one(
    make_job,
):
    job, other = make_job(overlap_policy="skip"), make_job(overlap_policy="skip")
    earlier, later = (
        JobLog.objects.create(
            job=job,
            trigger="catch_up",
            scheduled_for=T0 + timedelta(minutes=minute),
            queued_at=T0 + timedelta(minutes=2),
            due_at=T0 + timedelta(minutes=2),
        )
        for minute in (0, 1)
    )
    alone = JobLog.objects.create(
        job=other, trigger="manual", queued_at=T0, due_at=T0 + timedelta(minutes=2)
    )
    now = T0 + timedelta(minutes=2, seconds=1)
    started, held = lifecycle.start_many([later, alone], now=now)
    # The later occurrence waits for the earlier one (still queued); the other job's run starts.
    assert held == {later.pk}
    assert [run.pk for run in started] == [alone.pk]
    assert JobLog.objects.get(pk=later.pk).status == "queued"
    assert JobLog.objects.get(pk=earlier.pk).status == "queued"
