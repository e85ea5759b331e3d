"""Fair use of workers: at most THX_CRON_MAX_RUNNING_PER_USER running runs per job owner.

A run whose owner is at the limit is not started: it stays queued, due again shortly, and gives
its worker back at once, so that one user's long runs cannot hold every worker while another
user's runs wait. When one of the owner's runs ends, their oldest waiting run is due at once.
Nothing here runs (not one statement) while the limit is off.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connections
from django.db.models import Q

from thx_cron import statements
from thx_cron.conf import thx_settings
from thx_cron.models import JobLog

Status = JobLog.Status

# How soon a held run looks again, in case no run of its owner ends to release it (another
# process holds the slot, or the runs were held on a worker that went away).
HOLD_RECHECK = timedelta(seconds=2)
# The first key of PostgreSQL advisory locks that serialize the starts of one owner's runs.
_LOCK_SPACE = 0x74686358  # "thcX"


def limit() -> int | None:
    """Return the running-run limit per owner (None: no limit).

    Jobs without an owner are the operator's (declared in code or settings) and have no limit.
    """
    return thx_settings.MAX_RUNNING_PER_USER


def at_limit(owner_id: int, limit: int) -> bool:
    """Tell whether the owner already has `limit` running runs.

    Called in the starting transaction: on PostgreSQL an advisory lock held until it ends makes
    one owner's starts take turns, so that two workers cannot both take the last slot (SQLite's
    immediate write transactions already do). The count then sees every start committed before.
    """
    db = connections[statements.alias()]
    if db.vendor == "postgresql":
        with db.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_SPACE, owner_id])
    running = JobLog.objects.filter(status=Status.RUNNING, job__owner_id=owner_id)
    return len(running.values_list("pk", flat=True)[:limit]) >= limit


def hold(run: JobLog, now: datetime) -> None:
    """Leave `run` queued, to be enqueued again when a slot of its owner frees (or soon)."""
    run.due_at = now + HOLD_RECHECK
    run.enqueued_at = None
    changes = {"due_at": run.due_at, "enqueued_at": None}
    statements.update_run(run.pk, changes, statuses=[Status.QUEUED])


def release(owner_id: int, now: datetime) -> None:
    """Make the oldest held run of the owner due now (retries keep their backoff)."""
    waiting = JobLog.objects.filter(
        ~Q(trigger=JobLog.Trigger.RETRY),
        status=Status.QUEUED,
        due_at__gt=now,
        job__owner_id=owner_id,
    )
    first = waiting.order_by("queued_at", "id").values_list("pk", flat=True)[:1]
    JobLog.objects.filter(pk__in=list(first)).update(due_at=now)
