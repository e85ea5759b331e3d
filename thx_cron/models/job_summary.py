"""A job's runtime summary: what its runs did (the last one, counters, the failure streak).

Written by the dispatcher (occurrence_count) and by lifecycle.finish with each outcome, in the
outcome's transaction, never by editing a job: Job.save leaves these fields out, so saving an
instance loaded earlier cannot put back the values it loaded.
"""

from __future__ import annotations

from django.db import models


class JobSummary(models.Model):
    last_run = models.ForeignKey(
        "thx_cron.JobLog", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=16, blank=True, default="")
    consecutive_failures = models.PositiveIntegerField(default=0)
    occurrence_count = models.PositiveIntegerField(
        default=0, help_text="Scheduled occurrences dispatched (counts towards max runs)."
    )
    run_count = models.PositiveIntegerField(default=0)
    success_count = models.PositiveIntegerField(default=0)
    failure_count = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


RUN_SUMMARY_FIELDS = frozenset(field.name for field in JobSummary._meta.local_fields)
