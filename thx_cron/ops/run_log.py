"""One log line when a run starts and one when it ends, from what the run path already holds.

Nothing here reads the database: the fields come from the instances the runner has in hand.
"""

from __future__ import annotations

import logging

from thx_cron.models import Job, JobLog

logger = logging.getLogger("thx_cron.runs")


def lateness_seconds(run: JobLog) -> float | None:
    """Return how long after its occurrence (or, unscheduled, its due time) the run started."""
    planned = run.scheduled_for or run.due_at
    if run.started_at is None or planned is None:
        return None
    return max(0.0, (run.started_at - planned).total_seconds())


def started(job: Job, run: JobLog) -> None:
    """Log that `run` of `job` started."""
    if not logger.isEnabledFor(logging.INFO):
        return
    late = lateness_seconds(run)
    logger.info(
        "run %s of job %r started (attempt %s, %s, %s late)",
        run.pk,
        job.name,
        run.attempt,
        run.trigger,
        _seconds(late),
        extra={
            "job": job.name,
            "job_id": job.pk,
            "run": run.pk,
            "status": run.status,
            "trigger": run.trigger,
            "attempt": run.attempt,
            "lateness_seconds": late,
        },
    )


def finished(job: Job, run: JobLog) -> None:
    """Log how `run` of `job` ended, with the first line of its error if it failed."""
    if not logger.isEnabledFor(logging.INFO):
        return
    late = lateness_seconds(run)
    failed = run.status in JobLog.FAILURE_STATUSES
    reason = f": {run.error.splitlines()[0][:200]}" if failed and run.error else ""
    logger.info(
        "run %s of job %r %s in %s (%s late)%s",
        run.pk,
        job.name,
        run.status,
        _seconds(run.duration_seconds),
        _seconds(late),
        reason,
        extra={
            "job": job.name,
            "job_id": job.pk,
            "run": run.pk,
            "status": run.status,
            "trigger": run.trigger,
            "attempt": run.attempt,
            "duration_seconds": run.duration_seconds,
            "lateness_seconds": late,
        },
    )


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f} s"
