"""The runner: execute one run of a job with output capture, a heartbeat and a timeout."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import TextIO

from django.db import InterfaceError, OperationalError, connection

from thx_cron import lifecycle, run_log, statements
from thx_cron.capture import capture
from thx_cron.conf import thx_settings
from thx_cron.heartbeat import Heartbeat
from thx_cron.interrupt import Interrupter, RunCancelled, RunTimedOut
from thx_cron.models import Job, JobLog
from thx_cron.registry import ActionNotRegistered, registry

logger = logging.getLogger(__name__)

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


def execute(run_id: int) -> str:
    """The django-q2 task: run `run_id` if it is still queued; return its final status."""
    task_id = _current_task.pop("id", "")
    run = statements.load_run(run_id, RUN_FIELDS, JOB_FIELDS)
    if run is None:
        return "missing"
    return execute_run(run, task_id=task_id).status


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
    ended = _execute(job, run, echo, retry)
    run_log.finished(job, ended)
    return ended


def _execute(job: Job, run: JobLog, echo: TextIO | None, retry: bool) -> JobLog:
    try:
        action = registry.get(job.action)
    except ActionNotRegistered as exc:
        return lifecycle.error(job, run, exc, retry=False)  # a retry could only fail again
    limit = thx_settings.OUTPUT_LIMIT
    timeout = job.effective_timeout
    outcome: object = None
    failure: BaseException | None = None
    status: str = JobLog.Status.SUCCEEDED
    with capture(limit, echo) as buffer:
        try:
            with Interrupter(timeout) as interrupter:
                with Heartbeat(run, buffer, interrupter, thx_settings.HEARTBEAT_SECONDS):
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
        return _record(lambda: lifecycle.complete(job, run, outcome, output=output))
    # A failure may carry what the action found out (run_program: the exit code).
    partial = getattr(failure, "result", None)
    return _record(
        lambda: lifecycle.error(
            job, run, failure, status=status, output=output, retry=retry, result=partial
        )
    )


def _record(write: Callable[[], JobLog], attempts: int = RECORD_ATTEMPTS) -> JobLog:
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
