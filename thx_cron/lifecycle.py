"""Start, complete and error a run: every state change of a run goes through here.

Each function updates the run and its job's summary and writes the matching events in one
transaction. Finishing is conditional on the run still being `running`, so a late report from
a worker that was already declared lost cannot overwrite the recorded outcome.
"""

from __future__ import annotations

import json
import socket
import traceback as tb
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from thx_cron import events, fair_use, statements
from thx_cron.conf import thx_settings
from thx_cron.models import Job, JobEvent, JobLog

Status = JobLog.Status

# How long a run that waits for its job's running run (overlap "queue") sleeps before re-checking.
QUEUE_RECHECK = timedelta(seconds=5)
# How long a run waits for an earlier occurrence of its job that is still queued to start.
EARLIER_RECHECK = timedelta(seconds=1)
OCCURRENCE_TRIGGERS = (JobLog.Trigger.SCHEDULE, JobLog.Trigger.CATCH_UP)


def worker_name() -> str:
    import os

    return f"{socket.gethostname()}:{os.getpid()}"


# The job fields the lifecycle decides with; read under the lock onto the caller's instance.
_DECIDING_FIELDS = (
    "overlap_policy",
    "consecutive_failures",
    "last_run_id",
    "max_retries",
    "retry_backoff_seconds",
    "timeout_seconds",
)


def _lock_job(job: Job) -> Job:
    """Lock the job row so that overlap checks and summaries are consistent across workers.

    Only the deciding fields are read (a run's hot path; the full row is wide), and `job` is
    refreshed with them.
    """
    for name, value in statements.lock_job(job.pk, _DECIDING_FIELDS).items():
        setattr(job, name, value)
    return job


def json_safe(value: Any) -> Any:
    """Return `value` if it serializes as JSON, otherwise its repr in a small object."""
    try:
        json.dumps(value, cls=DjangoJSONEncoder)
    except (TypeError, ValueError):
        return {"repr": repr(value)[:10_000]}
    return value


def create_run(
    job: Job,
    *,
    trigger: str = JobLog.Trigger.MANUAL,
    triggered_by: Any = None,
    scheduled_for: datetime | None = None,
    enqueued: bool = False,
    now: datetime | None = None,
) -> JobLog:
    """Create a queued run of `job`, due now, with its `queued` event.

    `enqueued` says the caller hands it to the broker right away (see dispatch.enqueue_now).
    """
    now = now or timezone.now()
    with transaction.atomic(using=statements.alias()):
        run = JobLog.objects.create(
            job=job,
            trigger=trigger,
            triggered_by=triggered_by if getattr(triggered_by, "pk", None) else None,
            scheduled_for=scheduled_for,
            queued_at=now,
            due_at=now,
            enqueued_at=now if enqueued else None,
        )
        events.record(run, JobEvent.Kind.QUEUED, {"trigger": trigger})
    return run


def start(
    job: Job,
    run: JobLog | None = None,
    *,
    worker: str = "",
    task_id: str = "",
    now: datetime | None = None,
    fair: bool = True,
) -> JobLog | None:
    """Claim `run` (or a new manual run) and mark it running.

    Return the run marked running, the run marked skipped (overlap policy "skip"), or None when
    the run is not this caller's to start: already claimed, finished, or waiting its turn (its
    job's running run, or a slot of its owner under fair use; `fair=False` for a run that takes
    no worker, such as one in the foreground).
    """
    now = now or timezone.now()
    with transaction.atomic(using=statements.alias(), savepoint=False):
        limit = fair_use.limit() if fair else None
        if limit and run is not None and job.owner_id is not None:
            if fair_use.at_limit(job.owner_id, limit):
                fair_use.hold(run, now)
                return None
        if run is None:
            job = _lock_job(job)
            run = JobLog.objects.create(job=job, trigger=JobLog.Trigger.MANUAL, queued_at=now)
            events.record(run, JobEvent.Kind.QUEUED, {"trigger": run.trigger})
        # Where overlap is allowed, the claim below alone decides whether the run is this
        # caller's to start: the job's row is not touched (its summary describes finished runs;
        # that a run is running is read from the run).
        if job.overlap_policy != Job.Overlap.ALLOW:
            job = _lock_job(job)
            waiting = _wait_or_skip(job, run, now)
            if waiting is not _GO:
                return waiting
        run.status = Status.RUNNING
        run.started_at = run.heartbeat_at = now
        run.deadline_at = now + timedelta(seconds=job.effective_timeout)
        run.worker = worker or worker_name()
        run.host, _, pid = run.worker.partition(":")
        run.pid = int(pid) if pid.isdigit() else None
        started = ["status", "started_at", "heartbeat_at", "deadline_at", "worker", "host", "pid"]
        if task_id:
            run.task_id = task_id
            started.append("task_id")
        # Not a full save: the dispatcher records the task id concurrently (see dispatch.enqueue).
        changes = {name: getattr(run, name) for name in started}
        if not statements.update_run(run.pk, changes, statuses=[Status.QUEUED]):
            return None  # claimed or finished by someone else
        events.record(run, JobEvent.Kind.STARTED, {"worker": run.worker, "attempt": run.attempt})
    return run


def claims_together(job: Job) -> bool:
    """Whether a run of `job` may be started together with others (execution.Batch): where no
    per-owner limit applies. Under an overlap policy other than "allow", start_many holds back
    the runs whose job is busy, for their one-by-one start to apply the policy."""
    return not (fair_use.limit() and job.owner_id is not None)


def start_many(
    runs: list[JobLog], *, worker: str = "", task_id: str = "", now: datetime | None = None
) -> tuple[list[JobLog], set[int]]:
    """Mark the queued ones among `runs` (of distinct jobs) running in one transaction; return
    those this call claimed, in order, and the ids of those held back for a one-by-one start.

    A run of a job whose runs must not overlap is held back when another run of its job is
    running, or an earlier occurrence of it is still queued: lifecycle.start then skips it or
    has it wait, as the policy says. Their jobs are locked first, in one statement.

    They are executed one after the other: each deadline also counts the timeouts of the runs
    before it, so that a run waiting its turn behind a long one is not declared timed out.
    """
    now = now or timezone.now()
    worker = worker or worker_name()
    host, _, pid = worker.partition(":")
    values: dict[str, Any] = {
        "status": Status.RUNNING,
        "started_at": now,
        "heartbeat_at": now,
        "worker": worker,
        "host": host,
        "pid": int(pid) if pid.isdigit() else None,
    }
    if task_id:
        values["task_id"] = task_id
    with transaction.atomic(using=statements.alias(), savepoint=False):
        held = _busy(runs)
        startable = [run for run in runs if run.pk not in held]
        deadlines: dict[int, datetime] = {}
        waited = 0
        for run in startable:
            waited += run.job.effective_timeout
            deadlines[run.pk] = now + timedelta(seconds=waited)
        claimed = set(statements.claim_runs(values, deadlines)) if deadlines else set()
        started = [run for run in startable if run.pk in claimed]
        for run in started:
            for name, value in values.items():
                setattr(run, name, value)
            run.deadline_at = deadlines[run.pk]
        events.record_many(
            events.for_job(
                run.job, JobEvent.Kind.STARTED, run, {"worker": worker, "attempt": run.attempt}
            )
            for run in started
        )
    return started, held


def _busy(runs: list[JobLog]) -> set[int]:
    """Lock the jobs of `runs` whose runs must not overlap (one statement, in id order); return
    the ids of the runs whose job has another run running, or an earlier occurrence queued."""
    guarded = {run.job_id: run for run in runs if run.job.overlap_policy != Job.Overlap.ALLOW}
    if not guarded:
        return set()
    policies = statements.lock_jobs(sorted(guarded), ("overlap_policy",))
    held: set[int] = set()
    for job_id, run in list(guarded.items()):
        if job_id not in policies:  # deleted meanwhile: its one-by-one start finds no run
            held.add(run.pk)
            del guarded[job_id]
            continue
        run.job.overlap_policy = policies[job_id]["overlap_policy"]
        if run.job.overlap_policy == Job.Overlap.ALLOW:
            del guarded[job_id]  # the policy changed to "allow" since the run was loaded
    if not guarded:
        return held
    latest = max((run.scheduled_for for run in guarded.values() if run.scheduled_for), default=None)
    found = statements.busy_runs(list(guarded), queued_before=latest, triggers=OCCURRENCE_TRIGGERS)
    for other in found:
        run = guarded[other.job_id]
        if other.pk == run.pk:
            continue
        if other.status == Status.RUNNING or (
            run.scheduled_for is not None
            and run.trigger in OCCURRENCE_TRIGGERS
            and other.scheduled_for is not None
            and other.scheduled_for < run.scheduled_for
        ):
            held.add(run.pk)
    return held


def restart(run: JobLog, *, now: datetime | None = None) -> bool:
    """Move the start of a claimed `run` that waited its turn to now (its heartbeat and deadline
    with it); say if it is still running."""
    now = now or timezone.now()
    changes = {
        "started_at": now,
        "heartbeat_at": now,
        "deadline_at": now + timedelta(seconds=run.job.effective_timeout),
    }
    if not statements.update_run(run.pk, changes, statuses=[Status.RUNNING]):
        return False
    for name, value in changes.items():
        setattr(run, name, value)
    return True


# Returned by _wait_or_skip when the run may start.
_GO: Any = object()


def _wait_or_skip(job: Job, run: JobLog, now: datetime) -> JobLog | None:
    """Apply the overlap policy of a locked `job` whose runs must not overlap.

    Return _GO when `run` may start, the run marked skipped, or None when it is not startable
    now (not queued any more, or re-queued to wait for the running one).
    """
    others = Q(job_id=job.pk, status=Status.RUNNING)
    if run.scheduled_for is not None and run.trigger in OCCURRENCE_TRIGGERS:
        # Occurrences start in order: an earlier one still queued (catch-up runs queued at once
        # go to different workers) goes first, rather than be skipped behind a later one.
        others |= Q(
            job_id=job.pk,
            status=Status.QUEUED,
            trigger__in=OCCURRENCE_TRIGGERS,
            scheduled_for__lt=run.scheduled_for,
        )
    if job.overlap_policy == Job.Overlap.ALLOW:
        others = Q(pk__in=[])  # the policy changed to "allow" since the first look
    # One read answers both questions: is this run still queued, and is another running or due
    # before it?
    found = dict(JobLog.objects.filter(Q(pk=run.pk) | others).values_list("pk", "status"))
    if found.get(run.pk) != Status.QUEUED:
        return None
    earlier = [pk for pk, status in found.items() if pk != run.pk and status == Status.QUEUED]
    busy = next((pk for pk in found if pk != run.pk and pk not in earlier), None)
    if earlier and busy is None:
        run.due_at = now + EARLIER_RECHECK
        run.enqueued_at = None
        run.save(update_fields=["due_at", "enqueued_at"])
        return None
    if busy is None:
        return _GO
    if job.overlap_policy == Job.Overlap.SKIP:
        return _finish(
            job,
            run,
            Status.SKIPPED,
            now,
            error=f"Skipped: run {busy} of this job was still running.",
        )
    run.due_at = now + QUEUE_RECHECK
    run.enqueued_at = None
    run.save(update_fields=["due_at", "enqueued_at"])
    return None


@dataclass
class Ending:
    """A run's end as one value: its status and outcome. `finish` writes it, with its job's
    summary change and its event, in one transaction (with other endings, in few statements)."""

    job: Job
    run: JobLog
    status: str
    result: Any = None
    error: str = ""
    traceback: str = ""
    output: str | None = None
    retry: bool = False  # queue a retry if the run failed and the job has retries left

    @classmethod
    def success(
        cls, job: Job, run: JobLog, result: Any = None, *, output: str | None = None
    ) -> Ending:
        return cls(job, run, Status.SUCCEEDED, result=json_safe(result), output=output)

    @classmethod
    def failure(
        cls,
        job: Job,
        run: JobLog,
        exc: BaseException | str,
        *,
        status: str = Status.FAILED,
        output: str | None = None,
        retry: bool = True,
        result: Any = None,
    ) -> Ending:
        if isinstance(exc, BaseException):
            message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            trace = "".join(tb.format_exception(exc)) if exc.__traceback__ else ""
        else:
            message, trace = str(exc), ""
        return cls(
            job,
            run,
            status,
            result=result,
            error=message,
            traceback=trace,
            output=output,
            retry=retry,
        )

    @property
    def allowed(self) -> tuple[str, ...]:
        """The statuses the run may end from: a skip happens before the run ever started."""
        return (Status.QUEUED,) if self.status == Status.SKIPPED else JobLog.ACTIVE_STATUSES


def complete(
    job: Job,
    run: JobLog,
    result: Any = None,
    *,
    output: str | None = None,
    now: datetime | None = None,
) -> JobLog:
    """Mark `run` succeeded with `result`."""
    return finish([Ending.success(job, run, result, output=output)], now=now)[0]


def error(
    job: Job,
    run: JobLog,
    exc: BaseException | str,
    *,
    status: str = Status.FAILED,
    output: str | None = None,
    retry: bool = True,
    now: datetime | None = None,
    result: Any = None,
) -> JobLog:
    """Mark `run` failed (or timed out, lost, cancelled) and queue a retry if any are left."""
    ending = Ending.failure(job, run, exc, status=status, output=output, retry=retry, result=result)
    return finish([ending], now=now)[0]


def cancel(run: JobLog, *, now: datetime | None = None) -> JobLog:
    """Cancel a queued run at once, or ask the worker of a running run to stop it."""
    now = now or timezone.now()
    with transaction.atomic(using=statements.alias()):
        job = run.job
        lock_order([job.pk])  # the job before the run, as every writer takes them
        run = JobLog.objects.select_for_update().get(pk=run.pk)
        if run.status == Status.QUEUED:
            return _finish(job, run, Status.CANCELLED, now, error="Cancelled before it started.")
        if run.status == Status.RUNNING and not run.cancel_requested:
            run.cancel_requested = True
            run.save(update_fields=["cancel_requested"])
    return run


def _finish(job: Job, run: JobLog, status: str, now: datetime, **outcome: Any) -> JobLog:
    return finish([Ending(job, run, status, **outcome)], now=now)[0]


def finish(
    endings: list[Ending], *, now: datetime | None = None, also_locking: Sequence[int] = ()
) -> list[JobLog]:
    """Write `endings` in one transaction; return each run as it ended, in order.

    Each ending changes its run only if the run is still active (queued, for a skip), so a late
    report from a worker already declared lost cannot overwrite the recorded outcome; a run
    that had ended already is returned as it was.

    The jobs of `endings` are locked first, with `also_locking` (the jobs the rest of the
    caller's transaction writes), in one statement and in id order: see lock_order. Their
    failure streaks are read with the lock. Endings are then written in groups of distinct
    jobs, in job order, each group in three statements: the runs, the jobs' summaries and the
    events.
    """
    now = now or timezone.now()
    ended: dict[int, JobLog] = {}
    with transaction.atomic(using=statements.alias(), savepoint=False):
        jobs = lock_order({ending.job.pk for ending in endings} | set(also_locking), _STREAK)
        for group in _groups(endings):
            for ending, done in _write(group, now, jobs):
                ended[id(ending)] = ending.run
                if done:
                    _after(ending, now)
    return [ended[id(ending)] for ending in endings]


# What an outcome's summary is computed from, read with the job's lock.
_STREAK = ("consecutive_failures", "last_run_id")


def lock_order(job_ids: Iterable[int], names: tuple[str, ...] = ()) -> dict[int, dict[str, Any]]:
    """Lock the jobs `job_ids` in one statement, in id order; return their columns `names`.

    The rule every write transaction of the run path keeps: it locks all the jobs it will write
    (or insert rows referring to) before any run, and in id order. Two such transactions, or
    one and a host project's own update that locks jobs in id order, then never wait for each
    other in a cycle: a deadlock, which the database would break by aborting one of them.
    Starts under a per-owner limit take their owner's lock before the job's (fair_use).
    """
    ordered = sorted(set(job_ids))
    return statements.lock_jobs(ordered, names) if ordered else {}


def _groups(endings: list[Ending]) -> list[list[Ending]]:
    """Split `endings` into groups of distinct jobs (a job's endings stay in order) that end
    from the same statuses, in job order."""
    groups: list[tuple[list[Ending], set[int]]] = []  # each group and its jobs
    for ending in sorted(endings, key=lambda ending: ending.job.pk):
        job_id = ending.job.pk
        for group, jobs in groups:
            if group[0].allowed == ending.allowed and job_id not in jobs:
                group.append(ending)
                jobs.add(job_id)
                break
        else:
            groups.append(([ending], {job_id}))
    return [group for group, _ in groups]


def _write(
    group: list[Ending], now: datetime, jobs: dict[int, dict[str, Any]]
) -> list[tuple[Ending, bool]]:
    """Finish the runs of `group` (distinct jobs, locked, their streaks read as `jobs`); say of
    each ending whether it ended its run."""
    changes: dict[int, dict[str, Any]] = {}
    for ending in group:
        started_at = ending.run.started_at
        changes[ending.run.pk] = {
            "status": ending.status,
            "finished_at": now,
            "duration_seconds": (now - started_at).total_seconds() if started_at else None,
            "result": ending.result,
            "error": ending.error,
            "traceback": ending.traceback,
        }
        if ending.output is not None:
            changes[ending.run.pk]["output"] = ending.output
    done = statements.update_rows(JobLog, changes, one_of=("status", group[0].allowed))
    ended = []
    for ending in group:
        if ending.run.pk in done:
            for name, value in changes[ending.run.pk].items():
                setattr(ending.run, name, value)
            ended.append(ending)
        else:
            ending.run.refresh_from_db()  # already finished by someone else; that outcome stands
    previous = _summaries(ended, now, jobs)
    made: list[tuple[JobLog, str, dict[str, Any]]] = []
    for ending in ended:
        status, before = ending.status, previous.get(ending.job.pk, 0)
        failed = status in JobLog.FAILURE_STATUSES
        data = {
            "status": status,
            "attempt": ending.run.attempt,
            "consecutive_failures": 0 if status == Status.SUCCEEDED else before + failed,
            "previous_consecutive_failures": before,
        }
        made.append((ending.run, status, data))
    if len(made) == 1:
        events.record(*made[0])
    elif made:
        events.record_many(events.for_job(run.job, kind, run, data) for run, kind, data in made)
    return [(ending, ending in ended) for ending in group]


def _summaries(
    ended: list[Ending], now: datetime, jobs: dict[int, dict[str, Any]]
) -> dict[int, int]:
    """Update the summaries of the jobs of `ended` (distinct jobs, locked, their streaks read as
    `jobs`, which this keeps current) in one statement; return each job's failure streak
    before."""
    previous: dict[int, int] = {}
    sets: dict[int, dict[str, Any]] = {}
    counters: dict[int, dict[str, int]] = {}
    for ending in ended:
        pk = ending.job.pk
        if pk not in jobs:
            continue  # deleted meanwhile
        before = previous[pk] = jobs[pk]["consecutive_failures"]
        # A skipped run, or one cancelled before it started, does not replace the last outcome.
        replaces = ending.run.started_at is not None or ending.status not in (
            Status.SKIPPED,
            Status.CANCELLED,
        )
        change = (
            _summary(ending.run, ending.status, now)
            if replaces or jobs[pk]["last_run_id"] is None
            else {}
        )
        if ending.status in JobLog.FAILURE_STATUSES:
            change["consecutive_failures"] = before + 1
        sets[pk] = change
        added = {"run_count": 1} if ending.run.started_at is not None else {}
        if ending.status == Status.SUCCEEDED:
            added["success_count"] = 1
        elif ending.status in JobLog.FAILURE_STATUSES:
            added["failure_count"] = 1
        counters[pk] = added
        # For a later ending of the same job in this transaction (a later group).
        jobs[pk]["consecutive_failures"] = change.get("consecutive_failures", before)
        jobs[pk]["last_run_id"] = change.get("last_run", jobs[pk]["last_run_id"])
    statements.update_rows(
        Job,
        {pk: change for pk, change in sets.items() if change},
        add={pk: added for pk, added in counters.items() if added},
    )
    for ending in ended:
        change = sets.get(ending.job.pk, {})
        if ending.status == Status.SUCCEEDED:
            ending.job.consecutive_failures = 0
        elif "consecutive_failures" in change:
            ending.job.consecutive_failures = change["consecutive_failures"]
    return previous


def _after(ending: Ending, now: datetime) -> None:
    """What else an ended run frees or starts: its owner's slot, its job's next waiting run, a
    retry."""
    job, run = ending.job, ending.run
    if run.started_at is not None and fair_use.limit() and job.owner_id is not None:
        fair_use.release(job.owner_id, now)  # the slot this run held is free
    if job.overlap_policy == Job.Overlap.QUEUE:
        # The next waiting run of this job may go now instead of at its next re-check.
        waiting = JobLog.objects.filter(job=job, status=Status.QUEUED, due_at__gt=now)
        first = waiting.order_by("queued_at", "id").values_list("pk", flat=True)[:1]
        JobLog.objects.filter(pk__in=list(first)).update(due_at=now)
    # Only the caller that ended the run queues its retry: dispatchers recovering the same
    # stale run race here.
    if ending.retry and ending.status in JobLog.FAILURE_STATUSES:
        _queue_retry(job, run, now)


def _summary(run: JobLog, status: str, now: datetime) -> dict[str, Any]:
    """The job's summary fields after `run` finished with `status` (counters aside)."""
    summary: dict[str, Any] = {
        "last_run": run.pk,
        "last_run_at": run.started_at or now,
        "last_status": status,
    }
    if status == Status.SUCCEEDED:
        summary["consecutive_failures"] = 0
    return summary


def retry_delay(job: Job, attempt: int) -> timedelta:
    """Return the backoff before attempt `attempt + 1`: doubling from the job's base delay."""
    seconds = job.retry_backoff_seconds * (2 ** max(attempt - 1, 0))
    return timedelta(seconds=min(seconds, thx_settings.MAX_RETRY_BACKOFF))


def _queue_retry(job: Job, run: JobLog, now: datetime) -> JobLog | None:
    if run.attempt > job.max_retries:
        return None
    retry = JobLog.objects.create(
        job=job,
        trigger=JobLog.Trigger.RETRY,
        scheduled_for=run.scheduled_for,
        attempt=run.attempt + 1,
        retry_of=run,
        queued_at=now,
        due_at=now + retry_delay(job, run.attempt),
    )
    events.record(
        retry,
        JobEvent.Kind.QUEUED,
        {"trigger": retry.trigger, "retry_of": run.pk, "due_at": retry.due_at},
    )
    return retry
