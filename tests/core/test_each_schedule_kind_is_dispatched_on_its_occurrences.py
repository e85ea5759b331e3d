"""Each schedule kind, saved through the model and claimed by the dispatcher."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.core.builders import at, make_due
from thx_cron import dispatch
from thx_cron.models import Job, JobLog

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")


def test_saving_a_cron_job_sets_its_next_run_to_the_next_matching_minute(make_job):
    before = timezone.now()
    job = make_job(cron="*/15 * * * *")
    assert job.next_run_at is not None
    assert before < job.next_run_at <= before + timedelta(minutes=15)
    assert job.next_run_at.minute % 15 == 0 and job.next_run_at.second == 0


def test_a_due_cron_job_runs_its_occurrence_and_moves_to_the_next(make_job):
    job = make_due(make_job(cron="*/15 * * * *"), at("2027-03-01T10:15:00"))
    [run_id] = dispatch.claim_due(at("2027-03-01T10:15:00.200000"))
    run = JobLog.objects.get(pk=run_id)
    assert (run.trigger, run.scheduled_for) == ("schedule", at("2027-03-01T10:15:00"))
    job.refresh_from_db()
    assert job.next_run_at == at("2027-03-01T10:30:00")
    assert job.occurrence_count == 1


def test_a_cron_job_with_an_alias_and_a_seconds_field_is_dispatched(make_job):
    daily = make_due(make_job(cron="@daily"), at("2027-03-02T00:00:00"))
    # croniter reads a sixth field as seconds (and a seventh as the year).
    seconds = make_due(make_job(cron="* * * * * */30"), at("2027-03-02T00:00:00"))
    dispatch.claim_due(at("2027-03-02T00:00:01"))
    daily.refresh_from_db()
    seconds.refresh_from_db()
    assert daily.next_run_at == at("2027-03-03T00:00:00")
    assert seconds.next_run_at == at("2027-03-02T00:00:30")


def test_a_calendar_job_runs_at_its_wall_clock_time_in_its_zone(make_job):
    job = make_job(schedule_kind="calendar", cron="", hour=9, minute=30, timezone="Europe/Rome")
    local = job.next_run_at.astimezone(ROME)
    assert (local.hour, local.minute, local.second) == (9, 30, 0)

    job = make_due(job, at("2027-03-01T08:30:00"))  # 09:30 in Rome (UTC+1)
    [run_id] = dispatch.claim_due(at("2027-03-01T08:30:01"))
    assert JobLog.objects.get(pk=run_id).scheduled_for == at("2027-03-01T08:30:00")
    job.refresh_from_db()
    assert job.next_run_at == at("2027-03-02T08:30:00")


def test_an_interval_job_runs_every_n_seconds_from_its_start(make_job):
    start = at("2027-03-01T00:00:00")
    job = make_job(schedule_kind="interval", cron="", every_seconds=90, start_at=start)
    assert job.next_run_at == start
    [run_id] = dispatch.claim_due(start + timedelta(seconds=1))
    assert JobLog.objects.get(pk=run_id).scheduled_for == start
    job.refresh_from_db()
    assert job.next_run_at == start + timedelta(seconds=90)


def test_an_interval_job_without_a_start_is_anchored_at_its_creation(make_job):
    job = make_job(schedule_kind="interval", cron="", every_seconds=60)
    assert job.next_run_at == job.created_at + timedelta(seconds=60)


def test_a_once_job_runs_at_its_instant_and_then_has_no_next_run(make_job):
    moment = at("2027-05-05T12:00:00")
    job = make_job(schedule_kind="once", cron="", run_at=moment)
    assert job.next_run_at == moment
    [run_id] = dispatch.claim_due(moment + timedelta(seconds=1))
    assert JobLog.objects.get(pk=run_id).scheduled_for == moment
    job.refresh_from_db()
    assert job.next_run_at is None
    assert dispatch.claim_due(moment + timedelta(days=1)) == []


def test_a_job_that_is_not_due_yet_is_not_claimed(make_job, settings):
    # More than THX_CRON_CLAIM_AHEAD before its occurrence (see test_an_occurrence_is_claimed_
    # ahead_and_starts_on_time.py for the last second).
    settings.THX_CRON_CLAIM_AHEAD = 1.0
    make_due(make_job(cron="0 * * * *"), at("2027-03-01T11:00:00"))
    assert dispatch.claim_due(at("2027-03-01T10:59:58.900")) == []
    assert not JobLog.objects.exists()


def test_a_disabled_job_is_never_claimed(make_job):
    job = make_due(make_job(cron="* * * * *"), at("2027-03-01T10:00:00"))
    Job.objects.filter(pk=job.pk).update(enabled=False)
    assert dispatch.claim_due(at("2027-03-01T10:00:01")) == []


def test_claimed_runs_are_handed_to_django_q2(make_job, django_capture_on_commit_callbacks):
    from tests.core.builders import queued_task_runs

    make_due(make_job(cron="* * * * *"), at("2027-03-01T10:00:00"))
    with django_capture_on_commit_callbacks(execute=True):
        claimed = dispatch.claim_due(at("2027-03-01T10:00:01"))
    assert queued_task_runs() == claimed
