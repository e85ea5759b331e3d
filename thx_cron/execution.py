"""The runner: execute runs of jobs with output capture, a heartbeat and a timeout, several
runs handed over together one after the other (see Batch)."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import TextIO, TypeVar

from django.db import InterfaceError, OperationalError, connection, transaction

from thx_cron import lifecycle, run_log, statements
from thx_cron.capture import capture
from thx_cron.conf import thx_settings
from thx_cron.heartbeat import Heartbeat
from thx_cron.interrupt import Interrupter, RunCancelled, RunTimedOut
from thx_cron.models import Job, JobLog
from thx_cron.registry import ActionNotRegistered, registry

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Tries to record an outcome over about 30 s, so a database restart does not lose it.
RECORD_ATTEMPTS = 7


# The django-q2 task id of the task this worker process is executing (see remember_task).
_current_task: dict[str, str] = {}


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


def execute(*run_ids: int) -> str:
    """The django-q2 task: run each of `run_ids` that is still queued, one after the other;
    return the final status of the last (one task may carry several runs, see dispatch)."""
    task_id = _current_task.pop("id", "")
    runs = statements.load_runs(run_ids, RUN_FIELDS, JOB_FIELDS)
    if not runs:
        return "missing"
    return Batch(runs, task_id=task_id).run()[-1].status


class Batch:
    """Runs handed over together, executed one after the other with one commit between two.

    Each run's start is committed before its action is called (so that a worker killed while
    it runs leaves a `running` run that recovery ends `lost`), and each run's outcome is
    committed in the transaction that starts the next run: a batch of n short runs costs n + 1
    commits. If a run takes longer than a heartbeat step, the runs still waiting behind it are
    handed back to the dispatcher (their `enqueued_at` cleared) instead of waiting for it.
    """

    def __init__(self, runs: list[JobLog], *, task_id: str = "") -> None:
        self.runs = runs
        self.task_id = task_id
        self._released = False

    def run(self) -> list[JobLog]:
        ended: list[JobLog] = []
        pending: Callable[[], JobLog] | None = None  # the previous run's outcome, not yet written
        for index, run in enumerate(self.runs):
            if self._released:
                break
            # _record repeats the write only when its transaction failed and rolled back.
            start = partial(lifecycle.start, run.job, run, task_id=self.task_id)
            finished, started = _record(_chained(pending, start))
            pending = None
            if finished is not None:
                ended.append(finished)
                run_log.finished(finished.job, finished)
            if started is None or started.status != JobLog.Status.RUNNING:
                if started is not None:
                    run_log.finished(run.job, started)  # skipped by the overlap policy
                    ended.append(started)
                continue
            run_log.started(run.job, started)
            rest = [later.pk for later in self.runs[index + 1 :]]
            pending = _execute(started.job, started, None, True, release=self._release(rest))
        if pending is not None:
            finished = _record(pending)
            ended.append(finished)
            run_log.finished(finished.job, finished)
        return ended or [JobLog.objects.get(pk=self.runs[-1].pk)]

    def _release(self, rest: list[int]) -> Callable[[], None] | None:
        if not rest:
            return None

        def release() -> None:
            self._released = True
            dispatch_release(rest)

        return release


def dispatch_release(run_ids: list[int]) -> None:
    """Hand queued runs back to the dispatcher, which enqueues them again at its next tick."""
    JobLog.objects.filter(pk__in=run_ids, status=JobLog.Status.QUEUED).update(enqueued_at=None)


def _chained(
    pending: Callable[[], JobLog] | None, start: Callable[[], JobLog | None]
) -> Callable[[], tuple[JobLog | None, JobLog | None]]:
    """Write the previous run's outcome (if any) and start the next one in one transaction."""

    def write() -> tuple[JobLog | None, JobLog | None]:
        if pending is None:
            return None, start()
        with transaction.atomic(using=statements.alias()):
            return pending(), start()

    return write


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
    ended = _record(_execute(job, run, echo, retry))
    run_log.finished(job, ended)
    return ended


def _execute(
    job: Job,
    run: JobLog,
    echo: TextIO | None,
    retry: bool,
    release: Callable[[], None] | None = None,
) -> Callable[[], JobLog]:
    """Call the action of the started `run`; return the write of its outcome, for the caller to
    commit (alone, or with the next run's start)."""
    try:
        action = registry.get(job.action)
    except ActionNotRegistered as exc:
        missing = exc
        return lambda: lifecycle.error(job, run, missing, retry=False)  # a retry would fail too
    limit = thx_settings.OUTPUT_LIMIT
    timeout = job.effective_timeout
    outcome: object = None
    failure: BaseException | None = None
    status: str = JobLog.Status.SUCCEEDED
    with capture(limit, echo) as buffer:
        try:
            with Interrupter(timeout) as interrupter:
                with Heartbeat(
                    run, buffer, interrupter, thx_settings.HEARTBEAT_SECONDS, on_long=release
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
        return lambda: lifecycle.complete(job, run, outcome, output=output)
    # A failure may carry what the action found out (run_program: the exit code).
    partial = getattr(failure, "result", None)
    return lambda: lifecycle.error(
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
            connection.close()
            time.sleep(min(0.5 * 2 ** (attempt - 1), 8.0))
    raise AssertionError("unreachable")


def run_in_foreground(run: JobLog) -> JobLog:
    """Execute `run` in this process, echoing its output to the terminal."""
    return execute_run(run, echo=sys.__stdout__, retry=False, fair=False)
