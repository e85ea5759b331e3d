"""EventCursor: how far the job-event stream has been matched against rules."""

from __future__ import annotations

from django.db import models


class EventCursor(models.Model):
    """One row per reader; locking it serializes matching across processes."""

    name = models.CharField(max_length=64, unique=True)
    last_event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} at event {self.last_event_id}"
