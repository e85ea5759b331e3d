"""Jobs declared in THX_CRON_JOBS and with @thx_cron.job become Job rows, synced by key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

import thx_cron
from thx_cron.declared.sync import SyncError, sync
from thx_cron.models import Job, JobLog

pytestmark = pytest.mark.django_db

NIGHTLY = {"key": "nightly", "action": "demo.echo", "args": ["hi"], "cron": "0 2 * * *"}


def test_a_declared_job_is_created_once_however_often_it_is_synced(settings: Any) -> None:
    settings.THX_CRON_JOBS = [NIGHTLY]
    first = sync()
    second = sync()
    assert [d.key for d in first.created] == ["nightly"]
    assert not second.drift and second.unchanged == 1
    job = Job.objects.get(key="nightly")
    assert job.declared and job.owner is None and job.name == "nightly"
    assert job.next_run_at is not None and job.next_run_at.hour == 2


def test_changing_the_cron_updates_the_job_and_recomputes_its_next_run(settings: Any) -> None:
    settings.THX_CRON_JOBS = [NIGHTLY]
    sync()
    settings.THX_CRON_JOBS = [{**NIGHTLY, "cron": "30 5 * * *"}]
    result = sync()
    [(declaration, _job, changes)] = result.updated
    assert changes == {"cron": ("0 2 * * *", "30 5 * * *")}
    job = Job.objects.get(key="nightly")
    assert job.cron == "30 5 * * *"
    assert (job.next_run_at.hour, job.next_run_at.minute) == (5, 30)
    assert Job.objects.count() == 1


def test_a_removed_declaration_disables_its_job_and_keeps_its_runs(settings: Any) -> None:
    settings.THX_CRON_JOBS = [NIGHTLY]
    sync()
    job = Job.objects.get(key="nightly")
    run = JobLog.objects.create(job=job, status=JobLog.Status.SUCCEEDED)
    settings.THX_CRON_JOBS = []
    result = sync()
    assert [j.key for j in result.disabled] == ["nightly"]
    job.refresh_from_db()
    assert not job.enabled and not job.declared and job.next_run_at is None
    assert JobLog.objects.filter(pk=run.pk).exists()
    assert not sync().drift  # disabling is done once
    settings.THX_CRON_JOBS = [NIGHTLY]
    sync()
    job.refresh_from_db()
    assert job.enabled and job.declared and job.next_run_at is not None


def test_a_paused_declared_job_stays_paused_across_syncs(settings: Any) -> None:
    settings.THX_CRON_JOBS = [NIGHTLY]
    sync()
    Job.objects.get(key="nightly").pause()
    assert not sync().drift
    assert not Job.objects.get(key="nightly").enabled


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        ({"cron": "*/5 * * * *"}, {"schedule_kind": "cron", "cron": "*/5 * * * *"}),
        (
            {"calendar": {"month": 1, "day": 1, "hour": 6}},
            {"schedule_kind": "calendar", "month": 1, "day": 1, "hour": 6, "minute": None},
        ),
        ({"every": 90}, {"schedule_kind": "interval", "every_seconds": 90}),
        ({"every": {"seconds": 30}}, {"schedule_kind": "interval", "every_seconds": 30}),
        (
            {"at": "2099-06-01T09:00:00"},
            {"schedule_kind": "once", "run_at": datetime(2099, 6, 1, 7, 0, tzinfo=UTC)},
        ),
    ],
)
def test_every_schedule_kind_and_policy_can_be_declared(
    settings: Any, schedule: dict[str, Any], expected: dict[str, Any]
) -> None:
    settings.THX_CRON_JOBS = [
        {
            "key": "k",
            "name": "A declared job",
            "description": "declared",
            "tags": ["ops"],
            "action": "demo.sleep",
            "kwargs": {"seconds": 0},
            "timezone": "Europe/Rome",
            "one_time": False,
            "max_runs": 10,
            "timeout_seconds": 60,
            "overlap_policy": "queue",
            "misfire_policy": "run_all",
            "misfire_grace_seconds": 5,
            "max_retries": 2,
            "retry_backoff_seconds": 7,
            "end_at": "2100-01-01T00:00:00+00:00",
            **schedule,
        }
    ]
    sync()
    job = Job.objects.get(key="k")
    for name, value in expected.items():
        assert getattr(job, name) == value, name
    assert (job.name, job.tags, job.timezone, job.max_runs, job.timeout_seconds) == (
        "A declared job",
        ["ops"],
        "Europe/Rome",
        10,
        60,
    )
    assert (job.overlap_policy, job.misfire_policy, job.misfire_grace_seconds) == (
        "queue",
        "run_all",
        5,
    )
    assert (job.max_retries, job.retry_backoff_seconds) == (2, 7)
    assert job.next_run_at is not None
    assert not sync().drift


def test_one_bad_declaration_means_nothing_is_synced(settings: Any) -> None:
    settings.THX_CRON_JOBS = [
        NIGHTLY,
        {"key": "bad", "action": "demo.echo", "args": ["x"], "cron": "61 * * * *"},
    ]
    with pytest.raises(SyncError) as caught:
        sync()
    [error] = caught.value.errors
    assert (error.source, error.field) == ("THX_CRON_JOBS[1]", "cron")
    assert not Job.objects.exists()


def test_an_undeclared_job_with_the_same_name_is_reported_not_overwritten(
    settings: Any, make_job: Any
) -> None:
    make_job(name="nightly")
    settings.THX_CRON_JOBS = [NIGHTLY]
    with pytest.raises(SyncError) as caught:
        sync()
    assert caught.value.errors[0].field == "name"
    assert "not declared in code" in caught.value.errors[0].message
    assert not Job.objects.filter(key__isnull=False).exists()


def test_a_dry_run_reports_the_changes_and_writes_nothing(settings: Any) -> None:
    settings.THX_CRON_JOBS = [NIGHTLY]
    result = sync(dry_run=True)
    assert result.drift and result.lines() == ["create 'nightly' (THX_CRON_JOBS[0])"]
    assert not Job.objects.exists()


def test_a_one_time_declared_job_that_has_run_stays_valid(settings: Any) -> None:
    soon = timezone.now() + timedelta(hours=1)
    settings.THX_CRON_JOBS = [{"key": "once", "action": "demo.echo", "args": ["x"], "at": soon}]
    sync()
    # An hour later its instant is past; the unchanged declaration must not block syncing.
    Job.objects.filter(key="once").update(run_at=timezone.now() - timedelta(minutes=1))
    settings.THX_CRON_JOBS = [
        {"key": "once", "action": "demo.echo", "args": ["x"], "at": Job.objects.get().run_at},
        NIGHTLY,
    ]
    assert [d.key for d in sync().created] == ["nightly"]


def test_the_decorator_declares_a_job_for_a_registered_action(
    settings: Any, decorated_jobs: None
) -> None:
    @thx_cron.job(cron="0 2 * * *", timezone="Europe/Rome", max_retries=2)
    @thx_cron.action("reports.daily")
    def daily() -> str:
        return "done"

    @thx_cron.job(key="hourly-cleanup", every=3600)
    def cleanup() -> None:
        """Clean up."""

    sync()
    daily_job = Job.objects.get(key="reports.daily")
    assert (daily_job.action, daily_job.timezone, daily_job.max_retries) == (
        "reports.daily",
        "Europe/Rome",
        2,
    )
    cleanup_job = Job.objects.get(key="hourly-cleanup")
    assert cleanup_job.action.endswith("cleanup") and cleanup_job.every_seconds == 3600
