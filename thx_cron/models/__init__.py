"""The thx_cron models: Job (what and when), JobLog (one run), JobEvent (the outbox)."""

from thx_cron.models.event import JobEvent
from thx_cron.models.job import Job
from thx_cron.models.run import JobLog, RunFinished
from thx_cron.security import visibility

# Who sees what: a job by its owner, its runs and events with it (thx_cron/security/visibility.py).
visibility.register(Job, owner="owner")
visibility.register(JobLog, through="job")
visibility.register(JobEvent, through="job")

__all__ = ["Job", "JobLog", "JobEvent", "RunFinished"]
