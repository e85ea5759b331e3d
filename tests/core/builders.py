"""Small builders shared by the core tests: instants, due jobs and the django-q2 queue."""

from __future__ import annotations

from datetime import UTC, datetime

from django_q.models import OrmQ

from thx_cron.models import Job


def at(text: str) -> datetime:
    """Return the UTC instant written as an ISO date and time without zone."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def make_due(job: Job, when: datetime) -> Job:
    """Set the job's next run time to `when` (as if saved earlier) and return it fresh."""
    Job.objects.filter(pk=job.pk).update(next_run_at=when)
    job.refresh_from_db()
    return job


def queued_task_runs() -> list[int]:
    """Return the run ids waiting in django-q2's ORM broker, oldest first."""
    return [task.task["args"][0] for task in OrmQ.objects.order_by("id")]
