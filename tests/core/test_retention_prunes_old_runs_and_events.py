from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from thx_cron import retention
from thx_cron.models import JobEvent, JobLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now()


def run(job, status, age_days, now):
    return JobLog.objects.create(
        job=job, status=status, queued_at=now - timedelta(days=age_days), trigger="manual"
    )


def test_runs_are_pruned_by_age_and_failures_are_kept_longer(make_job, now, settings):
    settings.THX_CRON_RETENTION_DAYS = 30
    settings.THX_CRON_RETENTION_FAILED_DAYS = 90
    job = make_job()
    old_ok = run(job, "succeeded", 40, now)
    recent_ok = run(job, "succeeded", 10, now)
    old_failure = run(job, "failed", 40, now)
    ancient_failure = run(job, "lost", 100, now)
    ancient_running = run(job, "running", 100, now)
    result = retention.prune(now)
    assert result.runs == 2
    remaining = set(JobLog.objects.values_list("pk", flat=True))
    assert remaining == {recent_ok.pk, old_failure.pk, ancient_running.pk}
    assert old_ok.pk not in remaining and ancient_failure.pk not in remaining


def test_each_job_keeps_its_newest_runs_up_to_the_count(make_job, now, settings):
    settings.THX_CRON_RETENTION_PER_JOB = 3
    job, other = make_job(), make_job()
    runs = [run(job, "succeeded", days, now) for days in (5, 4, 3, 2, 1)]
    recent_failure = run(job, "failed", 6, now)
    kept_elsewhere = [run(other, "succeeded", days, now) for days in (5, 4)]
    retention.prune(now)
    assert set(JobLog.objects.filter(job=job).values_list("pk", flat=True)) == {
        runs[2].pk,
        runs[3].pk,
        runs[4].pk,
        recent_failure.pk,  # failures within their retention are kept beyond the count
    }
    assert JobLog.objects.filter(job=other).count() == len(kept_elsewhere)


def test_old_events_are_pruned(make_job, now, settings):
    settings.THX_CRON_EVENT_RETENTION_DAYS = 7
    job = make_job()
    fresh = run(job, "succeeded", 1, now)
    old = JobEvent.objects.create(job=job, run=fresh, kind="succeeded")
    JobEvent.objects.filter(pk=old.pk).update(occurred_at=now - timedelta(days=8))
    new = JobEvent.objects.create(job=job, run=fresh, kind="succeeded")
    assert retention.prune(now).events == 1
    assert list(JobEvent.objects.values_list("pk", flat=True)) == [new.pk]


def test_pruning_the_last_run_of_a_job_keeps_the_job(make_job, now):
    job = make_job()
    last = run(job, "succeeded", 400, now)
    job.__class__.objects.filter(pk=job.pk).update(last_run=last)
    retention.prune(now)
    job.refresh_from_db()
    assert job.last_run is None


def test_the_prune_command_reports_what_it_deleted(make_job, now, capsys):
    run(make_job(), "succeeded", 400, now)
    call_command("thx_cron_prune")
    assert "pruned 1 runs and 0 events" in capsys.readouterr().out
