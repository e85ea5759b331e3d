"""Occurrences missed while no dispatcher ran: run_once, skip and run_all, with a grace period.

A job every 5 minutes was due at 10:00; the dispatcher comes back at 10:32 (grace 60 s), so the
occurrences 10:00 ... 10:30 (seven) were missed and none is on time.
"""

from __future__ import annotations

import pytest

from tests.core.builders import at, make_due
from thx_cron import dispatch
from thx_cron.models import JobEvent, JobLog

pytestmark = pytest.mark.django_db

DUE = at("2027-03-01T10:00:00")
BACK = at("2027-03-01T10:32:00")


def runs_of(job):
    return list(JobLog.objects.filter(job=job).order_by("scheduled_for"))


def test_run_once_makes_one_catch_up_run_for_the_latest_missed_occurrence(make_job):
    job = make_due(make_job(cron="*/5 * * * *", misfire_policy="run_once"), DUE)
    claimed = dispatch.claim_due(BACK)
    skipped, catch_up = runs_of(job)
    assert claimed == [catch_up.pk]
    assert (catch_up.trigger, catch_up.status) == ("catch_up", "queued")
    assert catch_up.scheduled_for == at("2027-03-01T10:30:00")
    assert skipped.status == "skipped"
    assert skipped.scheduled_for == at("2027-03-01T10:25:00")
    assert "Missed 6 occurrence(s)" in skipped.error
    job.refresh_from_db()
    assert job.next_run_at == at("2027-03-01T10:35:00")


def test_run_once_writes_one_missed_event_per_misfire(make_job):
    job = make_due(make_job(cron="*/5 * * * *", misfire_policy="run_once"), DUE)
    dispatch.claim_due(BACK)
    missed = list(JobEvent.objects.filter(job=job, kind="missed"))
    assert len(missed) == 1
    assert missed[0].data["missed"] == 7


def test_skip_runs_nothing_and_records_the_missed_occurrences(make_job):
    job = make_due(make_job(cron="*/5 * * * *", misfire_policy="skip"), DUE)
    assert dispatch.claim_due(BACK) == []
    [record] = runs_of(job)
    assert record.status == "skipped"
    assert record.scheduled_for == at("2027-03-01T10:30:00")
    assert "Missed 7 occurrence(s) between 2027-03-01T10:00:00+00:00 and 2027-03-01T10:30:00" in (
        record.error
    )
    [event] = JobEvent.objects.filter(job=job)
    assert (event.kind, event.run_id, event.data["skipped"]) == ("missed", record.pk, 7)
    job.refresh_from_db()
    assert job.next_run_at == at("2027-03-01T10:35:00")


def test_run_all_makes_a_catch_up_run_for_each_missed_occurrence(make_job):
    job = make_due(make_job(cron="*/5 * * * *", misfire_policy="run_all"), DUE)
    claimed = dispatch.claim_due(BACK)
    runs = runs_of(job)
    assert len(claimed) == 7
    assert [run.scheduled_for.minute for run in runs] == [0, 5, 10, 15, 20, 25, 30]
    assert {(run.trigger, run.status) for run in runs} == {("catch_up", "queued")}
    assert JobEvent.objects.filter(job=job, kind="queued").count() == 7
    assert JobEvent.objects.filter(job=job, kind="missed").count() == 1


def test_run_all_is_bounded_and_keeps_the_latest_missed_occurrences(make_job, settings):
    settings.THX_CRON_RUN_ALL_LIMIT = 4
    job = make_due(make_job(cron="*/5 * * * *", misfire_policy="run_all"), DUE)
    dispatch.claim_due(BACK)
    runs = runs_of(job)
    assert [(run.scheduled_for.minute, run.status) for run in runs] == [
        (10, "skipped"),
        (15, "queued"),
        (20, "queued"),
        (25, "queued"),
        (30, "queued"),
    ]
    assert "Missed 3 occurrence(s) between 2027-03-01T10:00:00+00:00 and 2027-03-01T10:10" in (
        runs[0].error
    )


def test_a_misfire_too_long_to_count_says_more_than(make_job, settings):
    settings.THX_CRON_RUN_ALL_LIMIT = 2
    job = make_due(make_job(cron="*/5 * * * *", misfire_policy="run_all"), DUE)
    dispatch.claim_due(BACK)
    skipped = JobLog.objects.get(job=job, status="skipped")
    assert skipped.error.startswith("Missed more than 2 occurrence(s)")
    assert JobLog.objects.filter(job=job, status="queued").count() == 2


def test_a_late_occurrence_inside_the_grace_period_runs_as_scheduled(make_job):
    job = make_due(
        make_job(cron="*/5 * * * *", misfire_policy="skip", misfire_grace_seconds=300), DUE
    )
    [run_id] = dispatch.claim_due(at("2027-03-01T10:04:00"))
    run = JobLog.objects.get(pk=run_id)
    assert (run.trigger, run.scheduled_for) == ("schedule", DUE)
    assert not JobEvent.objects.filter(job=job, kind="missed").exists()


def test_an_occurrence_later_than_the_grace_period_is_missed(make_job):
    job = make_due(
        make_job(cron="*/5 * * * *", misfire_policy="skip", misfire_grace_seconds=30), DUE
    )
    assert dispatch.claim_due(at("2027-03-01T10:00:31")) == []
    [record] = runs_of(job)
    assert (record.status, record.scheduled_for) == ("skipped", DUE)


def test_missed_occurrences_followed_by_an_on_time_one_run_only_the_on_time_one(make_job):
    job = make_due(make_job(cron="*/5 * * * *", misfire_policy="run_once"), DUE)
    [run_id] = dispatch.claim_due(at("2027-03-01T10:30:10"))
    run = JobLog.objects.get(pk=run_id)
    assert (run.trigger, run.scheduled_for) == ("schedule", at("2027-03-01T10:30:00"))
    assert JobLog.objects.filter(job=job, status="skipped").count() == 1
