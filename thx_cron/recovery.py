"""Recovery: runs whose worker died or overran end `lost` or `timed_out`, never stay running."""

from __future__ import annotations

import logging
from datetime import datetime

from thx_cron import lifecycle
from thx_cron.conf import thx_settings
from thx_cron.models import JobLog

logger = logging.getLogger(__name__)


def recover(now: datetime, limit: int = 200) -> int:
    """End stale running runs; return how many were ended."""
    stale = list(
        JobLog.objects.stale(now, thx_settings.LEASE_SECONDS).select_related("job")[:limit]
    )
    for run in stale:
        if run.deadline_at is not None and run.deadline_at < now:
            status = JobLog.Status.TIMED_OUT
            message = (
                f"The run exceeded its timeout of {run.job.effective_timeout} s "
                f"and its worker {run.worker} did not stop it."
            )
        else:
            status = JobLog.Status.LOST
            message = (
                f"The worker {run.worker} stopped reporting (last heartbeat "
                f"{run.heartbeat_at.isoformat() if run.heartbeat_at else 'never'}); "
                "it was probably killed or its host was lost."
            )
        logger.warning("Run %s of job %s ends %s: %s", run.pk, run.job_id, status, message)
        lifecycle.error(run.job, run, message, status=status, now=now)
    return len(stale)


def end_runs_of(workers: list[str], reason: str) -> int:
    """End the running runs of the worker processes named `workers` (host:pid), now that they
    were killed: `lost`, retried as the job allows, as recovery would once their lease ran out."""
    if not workers:
        return 0
    from django.utils import timezone

    now = timezone.now()
    runs = list(JobLog.objects.running().filter(worker__in=workers).select_related("job"))
    for run in runs:
        message = f"The worker {run.worker} was killed: {reason}"
        logger.warning("Run %s of job %s ends lost: %s", run.pk, run.job_id, message)
        lifecycle.error(run.job, run, message, status=JobLog.Status.LOST, now=now)
    return len(runs)
