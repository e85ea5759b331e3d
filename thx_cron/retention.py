"""Retention: prune old runs and events in small batches, so dispatch is never blocked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import router, transaction
from django.db.models import Count
from django.utils import timezone

from thx_cron.conf import thx_settings
from thx_cron.models import JobEvent, JobLog

BATCH = 1000


@dataclass
class PruneResult:
    runs: int = 0
    events: int = 0


def _delete_in_batches(queryset: object, batch: int = BATCH) -> int:
    total = 0
    model = queryset.model  # type: ignore[attr-defined]
    while True:
        ids = list(queryset.values_list("pk", flat=True)[:batch])  # type: ignore[attr-defined]
        if not ids:
            return total
        with transaction.atomic(using=router.db_for_write(model)):
            deleted, _ = model.objects.filter(pk__in=ids).delete()
        total += len(ids)


def prune(now: datetime | None = None) -> PruneResult:
    """Delete finished runs past their age or per-job count, and old events."""
    now = now or timezone.now()
    result = PruneResult()
    finished = JobLog.objects.finished()
    ok_cutoff = now - timedelta(days=thx_settings.RETENTION_DAYS)
    failed_cutoff = now - timedelta(days=thx_settings.RETENTION_FAILED_DAYS)
    result.runs += _delete_in_batches(
        finished.exclude(status__in=JobLog.FAILURE_STATUSES).filter(queued_at__lt=ok_cutoff)
    )
    result.runs += _delete_in_batches(
        finished.filter(status__in=JobLog.FAILURE_STATUSES, queued_at__lt=failed_cutoff)
    )
    keep = thx_settings.RETENTION_PER_JOB
    crowded = (
        JobLog.objects.values("job_id")
        .annotate(n=Count("id"))
        .filter(n__gt=keep)
        .values_list("job_id", flat=True)
    )
    for job_id in list(crowded):
        newest = JobLog.objects.filter(job_id=job_id).order_by("-queued_at", "-id")
        boundary = newest.values_list("queued_at", flat=True)[keep - 1 : keep].first()
        if boundary is not None:
            result.runs += _delete_in_batches(
                finished.filter(job_id=job_id, queued_at__lt=boundary).exclude(
                    status__in=JobLog.FAILURE_STATUSES, queued_at__gte=failed_cutoff
                )
            )
    event_cutoff = now - timedelta(days=thx_settings.EVENT_RETENTION_DAYS)
    result.events += _delete_in_batches(JobEvent.objects.filter(occurred_at__lt=event_cutoff))
    return result
