"""The runner: execute runs of jobs with output capture, a heartbeat and a timeout, several
runs handed over together one after the other (see Batch)."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import TextIO, TypeVar

from django.db import InterfaceError, OperationalError, connections, transaction

from thx_cron import lifecycle, statements, wakeups
from thx_cron.actions.registry import ActionNotRegistered, registry
from thx_cron.conf import thx_settings
from thx_cron.models import Job, JobEvent, JobLog
from thx_cron.ops import run_log
from thx_cron.runner import heartbeat
from thx_cron.runner.capture import capture
from thx_cron.runner.heartbeat import Heartbeat
from thx_cron.runner.interrupt import Interrupter, RunCancelled, RunTimedOut

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Tries to record an outcome over about 30 s, so a database restart does not lose it.
RECORD_ATTEMPTS = 7


# The django-q2 task id of the task this worker process is executing (see remember_task).
_current_task: dict[str, str] = {}


def prepare() -> None:
    """Load what a run needs before the cluster forks its workers, so that the first run of
    each worker after a start does not pay for it: the run path's modules (imported with this
    one) and the registered actions' modules. Each worker then connects as it is spawned (see
    warm_worker)."""
    from django_q.signals import post_spawn

    try:
        wakeups.load_backend()
    except Exception:  # the first wake-up imports it, or reports what is wrong
        logger.warning("Could not load the channel layer ahead of the first run", exc_info=True)
    try:
        registry.all()
    except Exception:  # an action that cannot load fails its runs, with the reason, as before
        logger.warning(
            "Could not load the registered actions ahead of the first run", exc_info=True
        )
    # Only the clusters forked from this process (thx_cron_queue) serve runs: a host project's
    # own clusters are left alone.
    post_spawn.connect(warm_worker, dispatch_uid="thx_cron.warm_worker")


def warm_worker(sender: object, **kwargs: object) -> None:
    """In a worker process as django-q2 spawns it, before its first task: connect to the
    database and read the run path's tables once, start the heartbeat thread, and make the
    channel layer that wakes subscription readers, so that the first run of a burst does not
    wait for the connection, for the database server to load those tables' metadata, for the
    thread or for the layer.

    A failure is only logged: the first task connects again, and reports what is wrong."""
    try:
        statements.load_runs([0], RUN_FIELDS, JOB_FIELDS)
        JobEvent.objects.filter(pk=0).exists()
    except Exception:
        logger.warning("A worker could not connect ahead of its first run", exc_info=True)
        connections[statements.alias()].close()
    heartbeat.prepare()
    try:
        wakeups.prepare()
    except Exception:  # the first wake-up tries again; readers poll meanwhile
        logger.warning(
            "A worker could not make its channel layer ahead of its first run", exc_info=True
        )


def remember_task(sender: object, task: dict[str, object], **kwargs: object) -> None:
    """Keep the id of the task about to run (django-q2's pre_execute signal, in the worker)."""
    _current_task["id"] = str(task.get("id") or "")


# What the run path reads of a run and its job; the rest of both wide rows stays in the database.
RUN_FIELDS = (
    "job",
    "status",
    "trigger",
    "attempt",
    "scheduled_for",
    "due_at",
    "queued_at",
    "enqueued_at",
    "started_at",
)
JOB_FIELDS = (
    "name",
    "owner",
    "action",
    "args",
    "kwargs",
    "timeout_seconds",
    "overlap_policy",
    "consecutive_failures",
    "last_run",
    "max_retries",
    "retry_backoff_seconds",
)


def execute(*run_ids: int, start_at: float | None = None) -> str:
    """The django-q2 task: run each of `run_ids` that is still queued, one after the other;
    return the final status of the last (one task may carry several runs, see dispatch).

    `start_at` (a Unix time): the runs were claimed ahead of their occurrence, which is then;
    the task waits for it (CLAIM_AHEAD and a second at most) before it reads the runs."""
    task_id = _current_task.pop("id", "")
    if start_at is not None:
        wait_until(start_at, longest=thx_settings.CLAIM_AHEAD + 1)
    runs = statements.load_runs(run_ids, RUN_FIELDS, JOB_FIELDS)
    if not runs:
        return "missing"
    return Batch(runs, task_id=task_id).run()[-1].status


def wait_until(moment: float, *, longest: float) -> None:
    """Sleep until the Unix time `moment`, `longest` seconds at most; never return before it
    (time.sleep may wake a little early)."""
    deadline = time.monotonic() + longest
    while (left := min(moment - time.time(), deadline - time.monotonic())) > 0:
        time.sleep(left)


# Outcomes of short runs are committed together once the oldest of them waited this long.
GROUP_SECONDS = 0.005
# A claimed run that begins later than this after its claim first moves its start to now.
RESTART_AFTER = 0.05
# The runs of a batch that may start together are claimed in groups, each when the batch
# reaches it: the first group of CLAIM_GROUP runs; each next one twice as large, up to
# CLAIM_GROUP_MAX, while every run of the batch so far ended within SHORT_RUN (back to
# CLAIM_GROUP after a longer one). A run that lasts keeps at most the rest of its group claimed
# and waiting behind it: CLAIM_GROUP - 1 runs if it is the first or follows a longer one; the
# runs not claimed yet are handed back to the dispatcher (see Batch).
CLAIM_GROUP = 8
CLAIM_GROUP_MAX = 16
SHORT_RUN = 0.05


class Batch:
    """Runs handed over in one task, executed one after the other with few commits.

    The runs that may start together (lifecycle.claims_together: one per job, no per-owner
    limit) are claimed in groups (CLAIM_GROUP runs, then twice as many while the runs are
    short, up to CLAIM_GROUP_MAX): the first group in one transaction before the first action
    is called, each next one when the batch reaches it, in the transaction that commits the
    outcomes before it. A claimed run is `running` from then on, so a worker killed
    in the middle of the batch leaves runs that recovery ends `lost`. Under an overlap policy
    other than "allow", a run whose job is busy is held back and started in turn, where
    lifecycle.start skips it or has it wait. A run that begins more than RESTART_AFTER after
    its claim first moves its start to now; the heartbeat of the executing run renews the lease
    of the claimed runs waiting behind it.

    Outcomes are committed together, once the oldest waited GROUP_SECONDS or at the end: a batch
    of short runs costs two commits. An outcome not yet committed when the worker dies is lost
    with it, and recovery ends that run `lost` as it would a run killed while executing.

    Runs started one by one (a second run of one job, per-owner limits, held-back runs) are
    started in turn, with the outcomes before them. If a run takes longer than a heartbeat step,
    the runs still waiting that are not claimed yet (those, and the later groups) are handed
    back to the dispatcher instead of waiting for it; the claimed ones of its group wait.
    """

    def __init__(self, runs: list[JobLog], *, task_id: str = "") -> None:
        self.runs = runs
        self.task_id = task_id
        self._released = False
        self._pending: list[lifecycle.Ending] = []
        self._pending_since = 0.0
        self.ended: list[JobLog] = []

    def run(self) -> list[JobLog]:
        together = _together(self.runs)
        # Claimed in groups, each when the batch reaches it, with the outcomes before it.
        place = {run.pk: at for at, run in enumerate(together)} if len(together) > 1 else {}
        next_at, size = 0, CLAIM_GROUP
        claimed: dict[int, JobLog] = {}
        tried: set[int] = set()  # the runs of the groups claimed so far, held back ones aside
        claimed_at = 0.0
        pks = [run.pk for run in self.runs]
        for index, run in enumerate(self.runs):
            later = pks[index + 1 :]
            if place.get(run.pk, -1) >= next_at and not self._released:
                group = together[next_at : next_at + size]
                next_at += len(group)
                size = min(2 * size, CLAIM_GROUP_MAX)
                starting = partial(lifecycle.start_many, group, task_id=self.task_id)
                jobs = [member.job_id for member in group]
                started_together, held = _record(self._with_pending(starting, jobs))
                claimed.update((started.pk, started) for started in started_together)
                tried |= {member.pk for member in group} - held
                claimed_at = time.monotonic()
            if run.pk in claimed:
                if time.monotonic() - claimed_at > RESTART_AFTER:
                    if not _record(self._with_pending(partial(lifecycle.restart, run), [])):
                        continue  # ended meanwhile (recovered, or cancelled)
                started = run
            elif run.pk in tried:
                continue  # not queued any more when its group was claimed
            elif self._released:
                continue
            else:
                start = partial(lifecycle.start, run.job, run, task_id=self.task_id)
                # A start under a per-owner limit locks its owner before its job (fair_use):
                # the outcomes before it, which lock their jobs, commit on their own.
                owned = not lifecycle.claims_together(run.job)
                alone = _record(self._with_pending(start, None if owned else [run.job_id]))
                if alone is None or alone.status != JobLog.Status.RUNNING:
                    if alone is not None:
                        run_log.finished(run.job, alone)  # skipped by the overlap policy
                        self.ended.append(alone)
                    continue
                started = alone
            run_log.started(run.job, started)
            # Claimed runs waiting behind this one keep their lease with its heartbeat; the
            # others (not claimed yet) are handed back if it runs long.
            waiting = [pk for pk in later if pk in claimed]
            rest = [pk for pk in later if pk not in claimed]
            began = time.monotonic()
            outcome = _execute(
                started.job, started, None, True, release=self._release(rest), waiting=waiting
            )
            if time.monotonic() - began > SHORT_RUN:
                size = CLAIM_GROUP  # the next group: as few runs wait behind a long one again
            if not self._pending:
                self._pending_since = time.monotonic()
            self._pending.append(outcome)
            if not later or time.monotonic() - self._pending_since > GROUP_SECONDS:
                _record(self._with_pending(lambda: None, []))
        _record(self._with_pending(lambda: None, []))
        return self.ended or [JobLog.objects.get(pk=self.runs[-1].pk)]

    def _with_pending(self, write: Callable[[], T], jobs: list[int] | None) -> Callable[[], T]:
        """`write`, preceded in its transaction by the outcomes not committed yet, which lock
        their jobs with `jobs` (those `write` locks) first, in id order (lifecycle.lock_order).
        `jobs` None: `write` takes another lock first; the outcomes commit before it, alone."""

        def both() -> T:
            if not self._pending:
                return write()
            if jobs is None:
                self._ended(lifecycle.finish(self._pending))
                return write()
            with transaction.atomic(using=statements.alias()):
                finished = lifecycle.finish(self._pending, also_locking=jobs)
                result = write()
            self._ended(finished)
            return result

        return both

    def _ended(self, finished: list[JobLog]) -> None:
        """The pending outcomes are committed, as `finished`."""
        self._pending = []
        for run in finished:
            self.ended.append(run)
            run_log.finished(run.job, run)

    def _release(self, rest: list[int]) -> Callable[[], None] | None:
        if not rest:
            return None

        def release() -> None:
            self._released = True
            dispatch_release(rest)

        return release


def _together(runs: list[JobLog]) -> list[JobLog]:
    """The runs of a batch that may be claimed together: one run per job (a second run of a job
    starts after the first, one by one), of jobs without a per-owner limit."""
    seen: set[int] = set()
    together = []
    for run in runs:
        if run.job_id not in seen and lifecycle.claims_together(run.job):
            together.append(run)
        seen.add(run.job_id)
    return together


def dispatch_release(run_ids: list[int]) -> None:
    """Hand queued runs back to the dispatcher, which enqueues them again at its next tick."""
    JobLog.objects.filter(pk__in=run_ids, status=JobLog.Status.QUEUED).update(enqueued_at=None)


def execute_run(
    run: JobLog,
    *,
    echo: TextIO | None = None,
    task_id: str = "",
    retry: bool = True,
    fair: bool = True,
) -> JobLog:
    """Start `run`, call its action and record the outcome; return the run as it ended.

    `retry` False records a failure without queueing a retry (a run in the foreground);
    `fair=False` starts it whatever the owner's other runs (see thx_cron.fair_use).
    """
    job = run.job
    started = lifecycle.start(job, run, task_id=task_id, fair=fair)
    if started is None or started.status != JobLog.Status.RUNNING:
        if started is not None:
            run_log.finished(job, started)  # skipped by the overlap policy
        return started or JobLog.objects.get(pk=run.pk)
    run = started
    run_log.started(job, run)
    ending = _execute(job, run, echo, retry)
    ended = _record(lambda: lifecycle.finish([ending])[0])
    run_log.finished(job, ended)
    return ended


def _execute(
    job: Job,
    run: JobLog,
    echo: TextIO | None,
    retry: bool,
    release: Callable[[], None] | None = None,
    waiting: list[int] | None = None,
) -> lifecycle.Ending:
    """Call the action of the started `run`; return how it ended, for the caller to write
    (alone, or with other runs' endings and the next run's start)."""
    try:
        action = registry.get(job.action)
    except ActionNotRegistered as exc:
        missing = exc
        return lifecycle.Ending.failure(job, run, missing, retry=False)  # a retry would fail too
    limit = thx_settings.OUTPUT_LIMIT
    timeout = job.effective_timeout
    outcome: object = None
    failure: BaseException | None = None
    status: str = JobLog.Status.SUCCEEDED
    with capture(limit, echo) as buffer:
        try:
            with Interrupter(timeout) as interrupter:
                with Heartbeat(
                    run,
                    buffer,
                    interrupter,
                    thx_settings.HEARTBEAT_SECONDS,
                    on_long=release,
                    waiting=waiting,
                ):
                    result = action.func(*job.args, **job.kwargs)
        except RunTimedOut as exc:
            failure, status = exc, JobLog.Status.TIMED_OUT
        except RunCancelled as exc:
            failure, status = exc, JobLog.Status.CANCELLED
        except Exception as exc:
            failure, status = exc, JobLog.Status.FAILED
        else:
            outcome = result
    output = buffer.getvalue()
    if failure is None:
        return lifecycle.Ending.success(job, run, outcome, output=output)
    # A failure may carry what the action found out (run_program: the exit code).
    partial = getattr(failure, "result", None)
    return lifecycle.Ending.failure(
        job, run, failure, status=status, output=output, retry=retry, result=partial
    )


def _record(write: Callable[[], T], attempts: int = RECORD_ATTEMPTS) -> T:
    """Write a run's outcome, waiting out a database restart rather than losing the outcome."""
    for attempt in range(1, attempts + 1):
        try:
            return write()
        except (OperationalError, InterfaceError):
            if attempt == attempts:
                raise  # the run stays running; recovery ends it `lost` after its lease
            logger.warning("Could not record a run's outcome (attempt %d); retrying", attempt)
            connections[statements.alias()].close()
            time.sleep(min(0.5 * 2 ** (attempt - 1), 8.0))
    raise AssertionError("unreachable")


def run_in_foreground(run: JobLog) -> JobLog:
    """Execute `run` in this process, echoing its output to the terminal."""
    return execute_run(run, echo=sys.__stdout__, retry=False, fair=False)
