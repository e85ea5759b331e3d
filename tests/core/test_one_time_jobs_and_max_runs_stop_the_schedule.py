from __future__ import annotations

from datetime import timedelta

import pytest

from tests.core.builders import at, make_due
from thx_cron import dispatch
from thx_cron.models import Job, JobLog

pytestmark = pytest.mark.django_db


def test_a_one_time_job_runs_its_next_occurrence_and_disables_itself(make_job):
    job = make_due(make_job(cron="*/5 * * * *", one_time=True), at("2027-03-01T10:00:00"))
    [run_id] = dispatch.claim_due(at("2027-03-01T10:00:01"))
    assert JobLog.objects.get(pk=run_id).scheduled_for == at("2027-03-01T10:00:00")
    job.refresh_from_db()
    assert (job.enabled, job.next_run_at) == (False, None)
    assert dispatch.claim_due(at("2027-03-01T11:00:00")) == []


def test_a_one_time_job_that_missed_its_occurrence_runs_once_late(make_job):
    job = make_due(make_job(cron="*/5 * * * *", one_time=True), at("2027-03-01T10:00:00"))
    claimed = dispatch.claim_due(at("2027-03-01T10:32:00"))
    assert len(claimed) == 1
    assert JobLog.objects.get(pk=claimed[0]).trigger == "catch_up"
    job.refresh_from_db()
    assert not job.enabled


def test_a_job_with_max_runs_stops_after_that_many_occurrences(make_job):
    start = at("2027-03-01T00:00:00")
    job = make_job(schedule_kind="interval", cron="", every_seconds=60, start_at=start, max_runs=2)
    for minute in range(4):
        dispatch.claim_due(start + timedelta(minutes=minute, seconds=1))
    assert JobLog.objects.filter(job=job).count() == 2
    job.refresh_from_db()
    assert (job.occurrence_count, job.next_run_at) == (2, None)
    assert job.compute_next_run(start) is None


def test_max_runs_caps_catch_up_runs_too(make_job):
    job = make_due(
        make_job(cron="*/5 * * * *", misfire_policy="run_all", max_runs=3),
        at("2027-03-01T10:00:00"),
    )
    assert len(dispatch.claim_due(at("2027-03-01T10:32:00"))) == 3
    job.refresh_from_db()
    assert (job.occurrence_count, job.next_run_at) == (3, None)


def test_resuming_a_paused_job_schedules_it_again(make_job):
    job = make_job(cron="*/5 * * * *")
    job.pause()
    assert Job.objects.get(pk=job.pk).next_run_at is None
    job.resume()
    assert Job.objects.get(pk=job.pk).next_run_at is not None
