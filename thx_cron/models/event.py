"""JobEvent: the transactional outbox of run changes, read by subscriptions and notifications."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from thx_cron.security import visibility


class JobEventQuerySet(models.QuerySet["JobEvent"]):
    def after(self, event_id: int | None) -> JobEventQuerySet:
        qs = self.order_by("id")
        return qs.filter(id__gt=event_id) if event_id else qs

    def visible_to(self, user: visibility.User | None) -> JobEventQuerySet:
        """The ones of the jobs the user may see (thx_cron/security/visibility.py)."""
        return visibility.visible(self, user)


class JobEvent(models.Model):
    class Kind(models.TextChoices):
        QUEUED = "queued"
        STARTED = "started"
        OUTPUT = "output"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        TIMED_OUT = "timed_out"
        LOST = "lost"
        SKIPPED = "skipped"
        CANCELLED = "cancelled"
        MISSED = "missed"

    id = models.BigAutoField(primary_key=True)
    # Indexed by thx_cron_event_job, which leads with it.
    job = models.ForeignKey(
        "thx_cron.Job", on_delete=models.CASCADE, related_name="events", db_index=False
    )
    run = models.ForeignKey(
        "thx_cron.JobLog", on_delete=models.CASCADE, related_name="events", null=True
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    data = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = JobEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["job", "id"], name="thx_cron_event_job")]

    def __str__(self) -> str:
        return f"event {self.pk} {self.kind}"
