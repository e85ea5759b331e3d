"""Drive runs through the real lifecycle and the real matcher, in the test process."""

from __future__ import annotations

from thx_cron import lifecycle
from thx_cron.models import Job, JobLog


def finish(job: Job, status: str = JobLog.Status.FAILED, error: str = "boom") -> JobLog:
    """Create, start and finish one run of `job` with `status`."""
    run = lifecycle.create_run(job)
    started = lifecycle.start(job, run)
    assert started is not None
    if status == JobLog.Status.SUCCEEDED:
        return lifecycle.complete(job, started, "ok")
    return lifecycle.error(job, started, error, status=status)
