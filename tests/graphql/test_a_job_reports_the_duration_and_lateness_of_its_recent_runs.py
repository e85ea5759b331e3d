"""`Job.durationStats`: p50, p95 and max of the last N runs' durations, and their lateness."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from strawberry.relay import to_base64

from thx_cron.models import JobLog

QUERY = """query ($id: ID!, $last: Int!) { job(id: $id) { durationStats(lastRuns: $last) {
    duration { count p50Seconds p95Seconds maxSeconds }
    lateness { count p50Seconds p95Seconds maxSeconds } } } }"""


def test_the_last_runs_give_percentiles_of_duration_and_lateness(
    alice: Any, user: Any, make_job: Any
) -> None:
    job = make_job(owner=user)
    now = timezone.now()
    # An old, very slow run that falls outside the last 20, then 20 runs of 1..20 seconds.
    for number, seconds in enumerate([5000.0, *range(1, 21)]):
        started = now - timedelta(hours=100 if number == 0 else 30 - number)
        JobLog.objects.create(
            job=job,
            status="succeeded",
            trigger="schedule" if seconds <= 10 else "manual",
            scheduled_for=started - timedelta(seconds=seconds / 10) if seconds <= 10 else None,
            started_at=started,
            finished_at=started + timedelta(seconds=seconds),
            duration_seconds=float(seconds),
        )
    JobLog.objects.create(job=job, status="running", started_at=now)
    stats = alice.data(QUERY, {"id": to_base64("Job", job.pk), "last": 20})["job"]
    assert stats["durationStats"]["duration"] == {
        "count": 20,
        "p50Seconds": 10.0,
        "p95Seconds": 19.0,
        "maxSeconds": 20.0,
    }
    lateness = stats["durationStats"]["lateness"]
    assert lateness["count"] == 10
    assert lateness["maxSeconds"] == 1.0 and lateness["p50Seconds"] == 0.5


def test_a_job_without_finished_runs_has_empty_statistics(alice: Any, user: Any, make_job: Any):
    job = make_job(owner=user)
    stats = alice.data(QUERY, {"id": to_base64("Job", job.pk), "last": 5})["job"]["durationStats"]
    assert stats["duration"] == {
        "count": 0,
        "p50Seconds": None,
        "p95Seconds": None,
        "maxSeconds": None,
    }


def test_a_window_out_of_range_is_refused_naming_the_argument(alice: Any, user: Any, make_job: Any):
    job = make_job(owner=user)
    answer = alice.execute(QUERY, {"id": to_base64("Job", job.pk), "last": 0})
    assert "lastRuns" in answer["errors"][0]["message"]
    assert "Must be from 1 to 1000 (got 0)" in answer["errors"][0]["message"]
