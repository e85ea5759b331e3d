"""The runner: execute one run of a job with output capture, a heartbeat and a timeout."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from thx_cron import lifecycle
from thx_cron.capture import capture
from thx_cron.conf import thx_settings
from thx_cron.heartbeat import Heartbeat
from thx_cron.interrupt import Interrupter, RunCancelled, RunTimedOut
from thx_cron.models import JobLog
from thx_cron.registry import ActionNotRegistered, registry

logger = logging.getLogger(__name__)


# The django-q2 task id of the task this worker process is executing (see remember_task).
_current_task: dict[str, str] = {}


def remember_task(sender: object, task: dict[str, object], **kwargs: object) -> None:
    """Keep the id of the task about to run (django-q2's pre_execute signal, in the worker)."""
    _current_task["id"] = str(task.get("id") or "")


def execute(run_id: int) -> str:
    """The django-q2 task: run `run_id` if it is still queued; return its final status."""
    task_id = _current_task.pop("id", "")
    run = JobLog.objects.select_related("job").filter(pk=run_id).first()
    if run is None:
        return "missing"
    return execute_run(run, task_id=task_id).status


def execute_run(run: JobLog, *, echo: TextIO | None = None, task_id: str = "") -> JobLog:
    """Start `run`, call its action and record the outcome; return the run as it ended."""
    job = run.job
    started = lifecycle.start(job, run, task_id=task_id)
    if started is None or started.status != JobLog.Status.RUNNING:
        return started or JobLog.objects.get(pk=run.pk)
    run = started
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
        return lifecycle.complete(job, run, outcome, output=output)
    return lifecycle.error(job, run, failure, status=status, output=output)


def run_in_foreground(run: JobLog) -> JobLog:
    """Execute `run` in this process, echoing its output to the terminal."""
    return execute_run(run, echo=sys.__stdout__)
