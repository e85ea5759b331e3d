"""Compare what ran against what the schedules say should have run.

Shared by the scale tests and `benchmarks/exactly_once.py`: for each job, every occurrence from
its start up to its next run time must have exactly one run, and every executed action must
belong to exactly one run (witnessed outside the database by `tests.scale.witness`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.db import transaction

from tests.scale.witness import executions
from thx_cron.models import Job, JobLog

_TICK = timedelta(microseconds=1)
SCHEDULED = (JobLog.Trigger.SCHEDULE, JobLog.Trigger.CATCH_UP)


@dataclass
class Tally:
    jobs: int = 0
    occurrences: int = 0
    missing: list[tuple[int, datetime]] = field(default_factory=list)
    duplicates: list[tuple[int, datetime]] = field(default_factory=list)
    unexpected: list[tuple[int, datetime]] = field(default_factory=list)
    # (job id, runs started, runs succeeded, executions witnessed) where the witnessed count is
    # above the started runs (an action executed twice) or below the succeeded ones.
    execution_mismatch: list[tuple[int, int, int, int]] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    workers: Counter[str] = field(default_factory=Counter)
    oldest_next_run: datetime | None = None

    def problems(self) -> dict[str, object]:
        """Return every violation found (empty when each occurrence ran exactly once)."""
        found = {
            "missing": self.missing[:10],
            "duplicates": self.duplicates[:10],
            "unexpected": self.unexpected[:10],
            "execution_mismatch": self.execution_mismatch[:10],
        }
        return {name: items for name, items in found.items() if items}

    def summary(self) -> str:
        return (
            f"{self.jobs} jobs, {self.occurrences} occurrences, statuses {dict(self.statuses)}, "
            f"runs per worker {sorted(self.workers.values(), reverse=True)}"
        )


def pause_all(alias: str) -> None:
    """Disable every job while workers run: the rows locked in id order, as the workers lock
    them (a plain UPDATE of the whole table locks them in the order it finds them, and can
    deadlock with a worker's transaction that holds some jobs and waits for others), and with
    the lock the UPDATE takes (FOR NO KEY UPDATE on PostgreSQL), which lets a worker's commit
    check the foreign keys of its runs and events (FOR KEY SHARE of their jobs, in no order)."""
    with transaction.atomic(using=alias):
        jobs = Job.objects.using(alias)
        list(jobs.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))
        jobs.update(enabled=False)


def tally(alias: str, witness: Path | None, jobs: list[Job] | None = None) -> Tally:
    """Count runs against the occurrences of `jobs` (default: all jobs) in database `alias`."""
    result = Tally()
    jobs = (
        list(Job.objects.using(alias).filter(pk__in=[j.pk for j in jobs]))
        if jobs
        else list(Job.objects.using(alias).all())
    )
    runs = JobLog.objects.using(alias).filter(job__in=jobs)
    by_job: dict[int, Counter[datetime]] = {}
    started: Counter[int] = Counter()
    succeeded: Counter[int] = Counter()
    for job_id, moment, status, worker, trigger, started_at in runs.values_list(
        "job_id", "scheduled_for", "status", "worker", "trigger", "started_at"
    ):
        result.statuses[status] += 1
        if worker:
            result.workers[worker] += 1
        if started_at is not None:
            started[job_id] += 1
        if status == JobLog.Status.SUCCEEDED:
            succeeded[job_id] += 1
        if trigger in SCHEDULED:
            by_job.setdefault(job_id, Counter())[moment] += 1
    witnessed = executions(witness) if witness else None
    for job in jobs:
        result.jobs += 1
        assert job.start_at is not None and job.next_run_at is not None, job
        expected = job.schedule.between(job.start_at - _TICK, job.next_run_at - _TICK, 10**6)
        result.occurrences += len(expected)
        got = by_job.get(job.pk, Counter())
        result.missing += [(job.pk, m) for m in expected if m not in got]
        result.duplicates += [(job.pk, m) for m, n in got.items() if n > 1]
        result.unexpected += [(job.pk, m) for m in got if m not in set(expected)]
        if result.oldest_next_run is None or job.next_run_at < result.oldest_next_run:
            result.oldest_next_run = job.next_run_at
        seen = witnessed.get(job.pk, 0) if witnessed is not None else None
        if seen is not None and not succeeded[job.pk] <= seen <= started[job.pk]:
            result.execution_mismatch.append((job.pk, started[job.pk], succeeded[job.pk], seen))
    return result
