"""JobLog: the record of one run of a job."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from thx_cron.security import visibility

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


class RunFinished(Exception):
    """The run has already finished: there is nothing left to cancel."""

    def __init__(self, run: JobLog) -> None:
        self.run = run
        super().__init__(f"Run {run.pk} has already finished ({run.status}).")


class JobLogQuerySet(models.QuerySet["JobLog"]):
    def active(self) -> JobLogQuerySet:
        return self.filter(status__in=JobLog.ACTIVE_STATUSES)

    def running(self) -> JobLogQuerySet:
        return self.filter(status=JobLog.Status.RUNNING)

    def stale(self, now: datetime, lease_seconds: float) -> JobLogQuerySet:
        """Running runs whose worker stopped sending heartbeats, or whose deadline passed."""
        silent_since = now - timedelta(seconds=lease_seconds)
        return self.running().filter(
            Q(heartbeat_at__lt=silent_since) | Q(deadline_at__lt=now - timedelta(seconds=5))
        )

    def ready_to_enqueue(self, now: datetime, requeue_seconds: float) -> JobLogQuerySet:
        """Queued runs that are due and were never enqueued, or whose task went missing."""
        missing_since = now - timedelta(seconds=requeue_seconds)
        return self.filter(status=JobLog.Status.QUEUED, due_at__lte=now).filter(
            Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=missing_since)
        )

    def finished(self) -> JobLogQuerySet:
        return self.filter(status__in=JobLog.FINISHED_STATUSES)

    def visible_to(self, user: visibility.User | None) -> JobLogQuerySet:
        """The ones of the jobs the user may see (thx_cron/security/visibility.py)."""
        return visibility.visible(self, user)


class JobLog(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        TIMED_OUT = "timed_out"
        LOST = "lost"
        SKIPPED = "skipped"
        CANCELLED = "cancelled"

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule"
        MANUAL = "manual"
        RETRY = "retry"
        CATCH_UP = "catch_up", "catch-up"

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)
    FINISHED_STATUSES = (
        Status.SUCCEEDED,
        Status.FAILED,
        Status.TIMED_OUT,
        Status.LOST,
        Status.SKIPPED,
        Status.CANCELLED,
    )
    FAILURE_STATUSES = (Status.FAILED, Status.TIMED_OUT, Status.LOST)

    # Indexed by thx_cron_run_job_time, which leads with it (fewer indexes for each run to write).
    job = models.ForeignKey(
        "thx_cron.Job", on_delete=models.CASCADE, related_name="runs", db_index=False
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    trigger = models.CharField(max_length=16, choices=Trigger.choices, default=Trigger.SCHEDULE)
    scheduled_for = models.DateTimeField(null=True, blank=True, help_text="The occurrence.")
    due_at = models.DateTimeField(
        null=True, blank=True, help_text="When the run may start (later for retries)."
    )
    attempt = models.PositiveSmallIntegerField(default=1)
    retry_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="retries",
        db_index=False,  # thx_cron_run_retry_of: the few runs that are retries
    )
    queued_at = models.DateTimeField(default=timezone.now)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    deadline_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    output = models.TextField(blank=True, default="")
    error = models.TextField(blank=True, default="")
    traceback = models.TextField(blank=True, default="")
    worker = models.CharField(max_length=200, blank=True, default="")
    host = models.CharField(max_length=200, blank=True, default="")
    pid = models.PositiveIntegerField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True, default="")
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # thx_cron_run_triggered_by: the runs someone started
    )
    cancel_requested = models.BooleanField(default=False)

    objects = JobLogQuerySet.as_manager()

    class Meta:
        verbose_name = "run"
        verbose_name_plural = "runs"
        ordering = ["-queued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "scheduled_for"],
                condition=Q(trigger__in=["schedule", "catch_up"]),
                name="thx_cron_one_run_per_occurrence",
            ),
        ]
        indexes = [
            models.Index(fields=["job", "-queued_at"], name="thx_cron_run_job_time"),
            models.Index(fields=["-queued_at"], name="thx_cron_run_time"),
            models.Index(
                fields=["status", "due_at"],
                condition=Q(status__in=["queued", "running"]),
                name="thx_cron_run_active",
            ),
            # Only the runs that have one: most have neither, and each start and finish of a
            # run (an UPDATE that is not HOT: its status is indexed) writes every index again.
            models.Index(
                fields=["retry_of"],
                condition=Q(retry_of__isnull=False),
                name="thx_cron_run_retry_of",
            ),
            models.Index(
                fields=["triggered_by"],
                condition=Q(triggered_by__isnull=False),
                name="thx_cron_run_triggered_by",
            ),
        ]

    job_id: int

    def __str__(self) -> str:
        return f"{self.job.name} run {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED_STATUSES

    # --- operations: the one entry for each, used by the admin, GraphQL and the CLI --------------

    def cancel(self) -> JobLog:
        """Cancel the run at once if it is queued, or ask its worker to stop it if it is running.

        Return the run as it is now; raise RunFinished if it had already finished when read.
        """
        from thx_cron import lifecycle

        if self.is_finished:
            raise RunFinished(self)
        return lifecycle.cancel(self)

    def rerun(self, *, triggered_by: AbstractBaseUser | None = None) -> JobLog:
        """Queue a new manual run of this run's job now (the job's current definition)."""
        return self.job.run_now(triggered_by=triggered_by)
