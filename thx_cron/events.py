"""The job-event outbox writer: events written in the run's own transaction, announced once it
commits (see thx_cron.wakeups for the wake-up of subscription readers)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from thx_cron import statements
from thx_cron.models import Job, JobEvent, JobLog
from thx_cron.signals import job_event, job_events
from thx_cron.wakeups import wake_readers


def record(run: JobLog, kind: str, data: dict[str, Any] | None = None) -> JobEvent:
    """Write one event for `run` in the current transaction."""
    [event] = record_many([JobEvent(job_id=run.job_id, run=run, kind=kind, data=data or {})])
    return event


def record_many(events: Iterable[JobEvent]) -> list[JobEvent]:
    """Write several events (unsaved JobEvent instances) in one statement.

    Every run writes several events: a plain INSERT (statements.insert_rows) instead of the
    ORM's bulk_create, which compiles its query anew each time."""
    created = list(events)
    if not created:
        return created
    statements.insert_rows(created)
    _after_commit(created)
    return created


def for_job(job: Job, kind: str, run: JobLog | None, data: dict[str, Any]) -> JobEvent:
    """Build an unsaved event, for record_many."""
    return JobEvent(job=job, run=run, kind=kind, data=data)


def _after_commit(events: list[JobEvent]) -> None:
    if events:
        transaction.on_commit(lambda: _publish(events), using=statements.alias(), robust=True)


def _publish(events: list[JobEvent]) -> None:
    for event in events:
        job_event.send(sender=JobEvent, event=event)
    job_events.send(sender=JobEvent, events=events)
    wake_readers(events[-1].pk)
