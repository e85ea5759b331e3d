"""recovery.recover(now): a running run without heartbeats ends lost (or timed_out)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.core.builders import at
from thx_cron import lifecycle, recovery
from thx_cron.models import JobEvent, JobLog

pytestmark = pytest.mark.django_db

T0 = at("2027-03-01T10:00:00")
LEASE = timedelta(seconds=2)  # THX_CRON_LEASE_SECONDS in tests/settings.py


def running(job, now=T0):
    return lifecycle.start(job, lifecycle.create_run(job, now=now), worker="host-a:4242", now=now)


def test_a_run_silent_for_longer_than_the_lease_ends_lost(make_job):
    job = make_job(cron="0 9 * * *")
    next_run_at = job.next_run_at
    run = running(job)
    assert recovery.recover(T0 + LEASE + timedelta(seconds=1)) == 1
    run.refresh_from_db()
    assert run.status == "lost"
    assert "The worker host-a:4242 stopped reporting" in run.error
    assert JobEvent.objects.filter(run=run).last().kind == "lost"
    job.refresh_from_db()
    assert job.next_run_at == next_run_at  # the job keeps its schedule
    assert (job.last_status, job.consecutive_failures) == ("lost", 1)


def test_a_run_with_a_recent_heartbeat_is_left_running(make_job):
    run = running(make_job())
    JobLog.objects.filter(pk=run.pk).update(heartbeat_at=T0 + timedelta(seconds=9))
    assert recovery.recover(T0 + timedelta(seconds=10)) == 0
    assert JobLog.objects.get(pk=run.pk).status == "running"


def test_a_run_far_past_its_deadline_ends_timed_out_even_with_heartbeats(make_job):
    run = running(make_job(timeout_seconds=1))
    later = T0 + timedelta(seconds=30)
    JobLog.objects.filter(pk=run.pk).update(heartbeat_at=later)
    assert recovery.recover(later) == 1
    run.refresh_from_db()
    assert run.status == "timed_out"
    assert "exceeded its timeout of 1 s" in run.error


def test_a_late_report_from_the_lost_worker_does_not_change_the_outcome(make_job):
    job = make_job()
    run = running(job)
    recovery.recover(T0 + timedelta(minutes=1))
    late = lifecycle.complete(job, run, "finished after all", now=T0 + timedelta(minutes=2))
    assert late.status == "lost"
    assert JobLog.objects.get(pk=run.pk).result is None


def test_a_lost_run_is_retried_when_the_job_has_retries(make_job):
    job = make_job(max_retries=1, retry_backoff_seconds=5)
    run = running(job)
    recovery.recover(T0 + timedelta(minutes=1))
    retry = JobLog.objects.get(retry_of=run)
    assert (retry.status, retry.attempt, retry.trigger) == ("queued", 2, "retry")


def test_two_dispatchers_recovering_the_same_run_queue_one_retry(make_job):
    job = make_job(max_retries=3, retry_backoff_seconds=5)
    run = running(job)
    later = T0 + timedelta(minutes=1)
    # What a second dispatcher does when it read the same stale run before the first ended it.
    recovery.recover(later)
    lifecycle.error(job, run, "silent", status=JobLog.Status.LOST, now=later)
    assert JobLog.objects.filter(retry_of=run).count() == 1
    assert JobEvent.objects.filter(run=run, kind="lost").count() == 1
