"""NotificationDelivery: one message of one rule about one event, with its sending history."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Max, Q
from django.utils import timezone

from thx_cron.security import visibility


class NotificationDeliveryQuerySet(models.QuerySet["NotificationDelivery"]):
    def visible_to(self, user: visibility.User | None) -> NotificationDeliveryQuerySet:
        """Deliveries of the rules the user may see (thx_cron/security/visibility.py)."""
        return visibility.visible(self, user)

    def due(self, now: datetime) -> NotificationDeliveryQuerySet:
        """Pending deliveries whose next attempt has come and that no sender holds."""
        return self.filter(
            status=NotificationDelivery.Status.PENDING, next_attempt_at__lte=now
        ).filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))

    def last_notified_many(
        self, job_ids: set[int], rule_ids: list[int]
    ) -> dict[int, dict[int, datetime]]:
        """last_notified for several jobs in one query: job id -> rule id -> when."""
        rows = (
            self.filter(job_id__in=job_ids, rule_id__in=rule_ids, source_event_id__isnull=False)
            .values("job_id", "rule_id")
            .annotate(last=Max("occurred_at"))
        )
        found: dict[int, dict[int, datetime]] = {}
        for row in rows:
            found.setdefault(row["job_id"], {})[row["rule_id"]] = row["last"]
        return found


class NotificationDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"
        FAILED = "failed"

    rule = models.ForeignKey(
        "thx_cron_notifications.NotificationRule",
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    job = models.ForeignKey(
        "thx_cron.Job", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    run = models.ForeignKey(
        "thx_cron.JobLog", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The job event this delivery answers; a plain id, so pruning old events keeps it unique.
    source_event_id = models.BigIntegerField(null=True, blank=True)
    event = models.CharField(max_length=16, help_text="started, succeeded, failed, …, or test")
    occurred_at = models.DateTimeField(default=timezone.now, help_text="When the event happened.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    title = models.TextField(blank=True, default="")
    body = models.TextField(blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_to = models.JSONField(
        default=list, blank=True, help_text="Indexes of the rule's URLs already sent to."
    )
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "notification deliveries"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "source_event_id"], name="thx_notify_one_per_rule_event"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="thx_notify_delivery_due",
            ),
            models.Index(fields=["job", "rule", "-occurred_at"], name="thx_notify_delivery_job"),
        ]

    rule_id: int

    def __str__(self) -> str:
        return f"delivery {self.pk} {self.event} ({self.status})"

    @property
    def masked_error(self) -> str:
        """The last error with every secret of the rule's URLs masked (rows from before the
        masking rules included)."""
        from thx_cron_notifications import notifier

        return notifier.mask_text(self.last_error, list(self.rule.urls or []))
