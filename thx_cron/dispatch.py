"""The dispatcher: claim due occurrences as queued runs, and hand runs to django-q2.

`tick()` is idempotent and safe to run in any number of processes at once: due jobs are locked
(`skip_locked` on PostgreSQL, an immediate write transaction on SQLite) and the unique
`(job, scheduled_for)` constraint makes a second claim of one occurrence impossible.

An occurrence is claimed up to CLAIM_AHEAD seconds before it is due, and its task tells the
worker when to start it (`execution.execute(..., start_at=...)`): at the occurrence the workers
start runs instead of waiting for the dispatcher to claim and enqueue them.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone

from thx_cron import brokers, events, recovery, statements
from thx_cron.conf import thx_settings
from thx_cron.models import Job, JobEvent, JobLog
from thx_cron.schedules import misfire

logger = logging.getLogger(__name__)

RUN_TASK = "thx_cron.runner.execution.execute"
# django-q2 stops a task this long after the job's own timeout, as a backstop to our own alarm.
Q2_TIMEOUT_MARGIN = 15


@dataclass
class TickResult:
    claimed: list[int] = field(default_factory=list)
    enqueued: int = 0
    recovered: int = 0


def prepare() -> None:
    """Import and connect what a dispatch needs (django-q2's enqueueing, this process's broker,
    the channel layer that wakes subscription readers), so that the first burst after a start
    does not wait for it."""
    import django_q.tasks  # noqa: F401
    from channels.layers import get_channel_layer

    brokers.broker(thx_settings.CLUSTER)
    get_channel_layer()


def tick(now: datetime | None = None) -> TickResult:
    """Claim due occurrences, enqueue ready runs and recover stale ones."""
    now = now or timezone.now()
    result = TickResult()
    result.claimed = claim_due(now)
    result.enqueued = enqueue_ready(now)
    result.recovered = recovery.recover(now)
    return result


# The first transaction of a burst claims this many due jobs, each next one twice as many: the
# workers start the first runs while the dispatcher is still claiming the rest.
FIRST_CLAIM = 4


def claim_due(now: datetime) -> list[int]:
    """Create the queued runs of every due job, then of the jobs due next if that is at most
    CLAIM_AHEAD away (up to DISPATCH_BATCH jobs in all), and advance their next run time, in
    transactions of growing size, each enqueued as it commits."""
    budget = thx_settings.DISPATCH_BATCH
    jobs, claimed = _claim_all(now, None, budget)
    upcoming = _next_occurrence(now) if jobs < budget else None
    if upcoming is not None:
        claimed += _claim_all(now, upcoming, budget - jobs)[1]
    return claimed


def _next_occurrence(now: datetime) -> datetime | None:
    """The next instant a job is due at, if it is at most CLAIM_AHEAD after `now`."""
    ahead = thx_settings.CLAIM_AHEAD
    upcoming = Job.objects.next_run_time(after=now) if ahead > 0 else None
    if upcoming is None or upcoming > now + timedelta(seconds=ahead):
        return None
    return upcoming


def _claim_all(now: datetime, at: datetime | None, budget: int) -> tuple[int, list[int]]:
    """Claim up to `budget` jobs due at `now` (or, claiming ahead, due exactly `at`)."""
    claimed: list[int] = []
    total, size, plans, tasks = 0, FIRST_CLAIM, _Plans(), _Tasks()
    while total < budget:
        size = min(size, budget - total)
        jobs, runs = _claim(now, size, plans, tasks, at)
        claimed += runs
        total += jobs
        if jobs < size:
            break
        size *= 2
    return total, claimed


def _claim(
    now: datetime, limit: int, plans: _Plans, tasks: _Tasks, at: datetime | None = None
) -> tuple[int, list[int]]:
    """Claim up to `limit` due jobs in one transaction; return how many, and the queued runs.

    With `at` (claiming ahead), the jobs due exactly then, planned as of `at`: each gets its run
    of that occurrence, due then, and its task starts it then."""
    due_at = now if at is None else at
    using = statements.alias()
    with transaction.atomic(using=using):
        due = Job.objects.due(now) if at is None else Job.objects.due_exactly(at)
        features = connections[using].features
        if features.has_select_for_update_skip_locked:
            # The lock an UPDATE of the job takes (FOR NO KEY UPDATE on PostgreSQL): a job is
            # passed over only while another transaction writes it, not while workers insert
            # runs or events of it (which lock it FOR KEY SHARE).
            due = due.select_for_update(
                skip_locked=True, of=("self",), no_key=features.has_select_for_no_key_update
            )
        jobs = list(due[:limit])
        if not jobs:
            return 0, []
        claimed_before = {job.pk: job.occurrence_count for job in jobs}
        runs: list[JobLog] = []
        skipped: list[tuple[JobLog, misfire.Plan]] = []
        missed: list[tuple[JobLog, misfire.Plan]] = []
        for job in jobs:
            plan = plans.plan(job, due_at)
            first_catch_up: JobLog | None = None
            for planned in plan.runs:
                run = JobLog(
                    job=job,
                    trigger=planned.trigger,
                    scheduled_for=planned.scheduled_for,
                    queued_at=now,
                    due_at=due_at,
                    enqueued_at=now,
                )
                runs.append(run)
                if first_catch_up is None and planned.trigger == JobLog.Trigger.CATCH_UP:
                    first_catch_up = run
            # One `missed` event per misfire (not per catch-up run), so an alert fires once.
            if plan.missed_count and first_catch_up is not None and not plan.skipped_count:
                missed.append((first_catch_up, plan))
            if plan.skipped_count and plan.skipped_last is not None:
                record = JobLog(
                    job=job,
                    status=JobLog.Status.SKIPPED,
                    scheduled_for=plan.skipped_last,
                    queued_at=now,
                    finished_at=now,
                    error=_skip_message(job, plan),
                )
                runs.append(record)
                skipped.append((record, plan))
            job.occurrence_count += len(plan.runs)
            job.next_run_at = None if plan.disable else plan.next_run_at
            if plan.disable:
                job.enabled = False
            elif job.max_runs is not None and job.occurrence_count >= job.max_runs:
                job.next_run_at = None
        runs = _without_existing(runs)
        statements.insert_rows(runs)
        _advance(jobs, claimed_before)
        queued = [run for run in runs if run.status == JobLog.Status.QUEUED]
        # Registered before the events' announcement: the runs go to the workers first.
        transaction.on_commit(lambda: _enqueue_all(queued, tasks, start_at=at), using=using)
        events.record_many(_events(runs, skipped, missed))
    return len(jobs), [run.pk for run in queued]


def _advance(jobs: list[Job], claimed_before: dict[int, int]) -> None:
    """Store each locked job's new next run time, occurrence count and enabled flag.

    Jobs due together mostly move alike (the same schedule, one occurrence each), so they are
    written as one UPDATE per distinct change rather than a CASE per row and field.
    """
    changes: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for job in jobs:
        added = job.occurrence_count - claimed_before[job.pk]
        changes[(job.next_run_at, job.enabled, added)].append(job.pk)
    for (next_run_at, enabled, added), pks in changes.items():
        Job.objects.filter(pk__in=pks).update(
            next_run_at=next_run_at,
            enabled=enabled,
            occurrence_count=F("occurrence_count") + added,
        )


class _Plans:
    """The misfire plans of one dispatch, computed once per distinct schedule and due time: the
    jobs of a burst mostly share both (many jobs on `0 * * * *`)."""

    def __init__(self) -> None:
        self._made: dict[tuple[Any, ...], misfire.Plan] = {}

    def plan(self, job: Job, now: datetime) -> misfire.Plan:
        assert job.next_run_at is not None
        runs_left = None if job.max_runs is None else job.max_runs - job.occurrence_count
        schedule = job.schedule
        key = (
            schedule,
            job.next_run_at,
            job.misfire_policy,
            job.effective_grace,
            job.one_time,
            runs_left,
        )
        if key not in self._made:
            self._made[key] = misfire.plan(
                schedule,
                job.next_run_at,
                now,
                policy=job.misfire_policy,
                grace=job.effective_grace,
                run_all_limit=thx_settings.RUN_ALL_LIMIT,
                one_time=job.one_time,
                runs_left=runs_left,
            )
        return self._made[key]


def _skip_message(job: Job, plan: misfire.Plan) -> str:
    count = f"more than {plan.skipped_count}" if plan.missed_more else str(plan.skipped_count)
    first = plan.skipped_first.isoformat() if plan.skipped_first else "?"
    last = plan.skipped_last.isoformat() if plan.skipped_last else "?"
    return (
        f"Missed {count} occurrence(s) between {first} and {last} while no dispatcher ran; "
        f"misfire policy '{job.misfire_policy}' did not run them."
    )


def _without_existing(runs: list[JobLog]) -> list[JobLog]:
    """Drop occurrences that already have a run (a schedule edited back to a past occurrence)."""
    keys = {(run.job_id, run.scheduled_for) for run in runs}
    if not keys:
        return runs
    existing = set(
        JobLog.objects.filter(
            job_id__in={job_id for job_id, _ in keys},
            scheduled_for__in={moment for _, moment in keys},
            trigger__in=[JobLog.Trigger.SCHEDULE, JobLog.Trigger.CATCH_UP],
        ).values_list("job_id", "scheduled_for")
    )
    return [run for run in runs if (run.job_id, run.scheduled_for) not in existing]


def _events(
    runs: list[JobLog],
    skipped: list[tuple[JobLog, misfire.Plan]],
    missed: list[tuple[JobLog, misfire.Plan]],
) -> list[JobEvent]:
    made = []
    skipped_runs = {id(run) for run, _ in skipped}
    for run in runs:
        if id(run) not in skipped_runs:
            made.append(
                events.for_job(run.job, JobEvent.Kind.QUEUED, run, {"trigger": run.trigger})
            )
    for run, plan in skipped + missed:
        if run.pk is None:
            continue  # dropped by _without_existing
        made.append(
            events.for_job(
                run.job,
                JobEvent.Kind.MISSED,
                run,
                {
                    "missed": plan.missed_count,
                    "more": plan.missed_more,
                    "skipped": plan.skipped_count,
                    "policy": run.job.misfire_policy,
                },
            )
        )
    return made


def enqueue_ready(now: datetime) -> int:
    """Enqueue queued runs that are due and not (or no longer) in the broker."""
    ready = list(
        JobLog.objects.ready_to_enqueue(now, thx_settings.REQUEUE_SECONDS)
        .select_related("job")
        .order_by("due_at")[: thx_settings.DISPATCH_BATCH]
    )
    mine = []
    for run in ready:
        # Only the dispatcher whose update wins enqueues it; a duplicate would be harmless anyway.
        won = JobLog.objects.filter(
            pk=run.pk, status=JobLog.Status.QUEUED, enqueued_at=run.enqueued_at
        ).update(enqueued_at=now)
        if won:
            mine.append(run)
    _enqueue_all(mine)
    return len(mine)


def _enqueue_all(
    runs: list[JobLog], tasks: _Tasks | None = None, *, start_at: datetime | None = None
) -> None:
    """Enqueue a batch, several runs per task, each task to start at `start_at` (claimed ahead)
    or at once; on a broker error the whole batch is left for the next tick (which enqueues it
    once it is due)."""
    if not runs:
        return
    tasks = tasks or _Tasks()
    try:
        # One transaction: with the ORM broker the workers then see the whole batch at once,
        # instead of competing with one commit per task for SQLite's write lock.
        with transaction.atomic(using=brokers.database()):
            for chunk in tasks.split(runs):
                _send(chunk, start_at=start_at)
    except Exception:
        logger.exception("Could not enqueue %d run(s); they will be enqueued again", len(runs))
        _release([run.pk for run in runs])


# The size of the first task of a dispatch; the next ones double up to RUN_BATCH. One claim
# group of the worker (execution.CLAIM_GROUP): a smaller task claims as many statements' worth
# and costs a worker the same few milliseconds of loading and committing per task.
FIRST_TASK = 8


class _Tasks:
    """Split the runs of one dispatch into tasks of at most RUN_BATCH runs, the first ones
    smaller (8, 16, ...), so that workers start the first runs of a burst at once (a worker
    takes one task at a time) and the rest go in few tasks."""

    def __init__(self) -> None:
        self.step = FIRST_TASK

    def split(self, runs: list[JobLog]) -> list[list[JobLog]]:
        size = max(1, thx_settings.RUN_BATCH)
        chunks, start = [], 0
        while start < len(runs):
            step = min(size, self.step)
            chunks.append(runs[start : start + step])
            start += step
            self.step = step * 2
        return chunks


def enqueue(run: JobLog) -> str | None:
    """Hand `run` to django-q2; on a broker error leave it for the next tick."""
    try:
        return _send([run])
    except Exception:
        logger.exception("Could not enqueue run %s; it will be enqueued again", run.pk)
        _release([run.pk])
        return None


def _send(runs: list[JobLog], *, start_at: datetime | None = None) -> str:
    """Enqueue one django-q2 task that executes `runs` one after the other, from `start_at` (a
    task of runs claimed ahead waits for it) or at once."""
    from django_q.tasks import async_task

    cluster = thx_settings.CLUSTER
    # A batch hands its waiting runs back once one of them runs long (execution.Batch), so the
    # task lasts at most about its longest run.
    timeout = max(run.job.effective_timeout for run in runs) + Q2_TIMEOUT_MARGIN + 2 * len(runs)
    start: dict[str, float] = {}
    if start_at is not None:  # the worker waits for it, CLAIM_AHEAD and a second at most
        start["start_at"] = start_at.timestamp()
        timeout += int(thx_settings.CLAIM_AHEAD) + 1
    ids = [run.pk for run in runs]
    # The worker records the task id when it starts the run (see execution.remember_task).
    return str(
        async_task(
            RUN_TASK,
            *ids,
            task_name=f"thx_cron run {ids[0]}" + (f" (+{len(ids) - 1})" if len(ids) > 1 else ""),
            timeout=timeout,
            ack_failure=True,
            broker=brokers.broker(cluster),
            **start,
            **({"cluster": cluster} if cluster else {}),
        )
    )


def _release(run_ids: list[int]) -> None:
    JobLog.objects.filter(pk__in=run_ids, status=JobLog.Status.QUEUED).update(enqueued_at=None)


def enqueue_now(run: JobLog) -> str | None:
    """Enqueue a run created outside the dispatcher (run now, retries due at once)."""
    if run.enqueued_at is None:
        run.enqueued_at = timezone.now()
        JobLog.objects.filter(pk=run.pk).update(enqueued_at=run.enqueued_at)
    return enqueue(run)
