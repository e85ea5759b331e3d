"""The thx_cron models: Job (what and when), JobLog (one run), JobEvent (the outbox)."""

from thx_cron.models.event import JobEvent
from thx_cron.models.job import Job
from thx_cron.models.run import JobLog, RunFinished

__all__ = ["Job", "JobLog", "JobEvent", "RunFinished"]
