"""Django 6's `@task` functions are job actions; on Django 5.2 asking for one says why not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import django
import pytest

from tests.processes import sqlite_url, thx_process, wait_for
from thx_cron import lifecycle
from thx_cron.actions import django_tasks
from thx_cron.actions.registry import registry
from thx_cron.checks import check_declared_jobs
from thx_cron.declared.sync import SyncError, sync
from thx_cron.models import Job, JobLog
from thx_cron.runner import execution

DJANGO_6 = django.VERSION >= (6, 0)
needs_django_6 = pytest.mark.skipif(not DJANGO_6, reason="Django Tasks come with Django 6.0")


def import_tasks() -> Any:
    """Import tests.declared_tasks afresh, so that its declarations are made in this test."""
    import importlib
    import sys

    sys.modules.pop("tests.declared_tasks", None)
    return importlib.import_module("tests.declared_tasks")


@pytest.mark.skipif(DJANGO_6, reason="Django 6 has django.tasks")
def test_on_django_5_2_a_task_declaration_is_reported_with_the_reason(settings: Any) -> None:
    settings.THX_CRON_JOBS = [{"task": "tests.declared_tasks.digest", "every": 60}]
    [error] = check_declared_jobs()
    assert error.id == "thx_cron.E020"
    assert "task: Django Tasks (django.tasks) need Django 6.0 or later" in error.msg
    assert django.get_version() in error.msg
    with pytest.raises(django_tasks.TaskUnusable, match="Django 6.0 or later"):
        django_tasks.load("tests.declared_tasks.digest")
    assert not django_tasks.AVAILABLE


@needs_django_6
@pytest.mark.django_db(transaction=True)
def test_a_task_runs_as_an_action_with_capture_and_its_signature_checked(
    settings: Any, decorated_jobs: None
) -> None:
    import_tasks()

    action = registry.get("tests.declared_tasks.digest")
    assert [a.name for a in action.arguments] == ["greeting", "times"]
    assert action.description.startswith("Print the greeting")
    sync()
    job = Job.objects.get(key="tests.digest")
    run = execution.execute_run(lifecycle.create_run(job))
    assert (run.status, run.result, run.output) == (
        "succeeded",
        "hello from a task",
        "hello from a task\n",
    )
    settings.THX_CRON_JOBS = [
        {
            "key": "bad",
            "task": "tests.declared_tasks.digest",
            "every": 60,
            "kwargs": {"greeting": "hi", "x": 1},
        }
    ]
    with pytest.raises(SyncError) as caught:
        sync()
    assert caught.value.errors[0].field == "kwargs" and "'x'" in caught.value.errors[0].message


@needs_django_6
def test_a_task_that_takes_a_context_is_refused_with_the_reason(decorated_jobs: None) -> None:
    with pytest.raises(ValueError, match="takes_context=True"):
        registry.register("tests.needs_context", import_tasks().needs_context)


@needs_django_6
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_declared_task_runs_on_its_schedule_in_a_real_worker(tmp_path: Path) -> None:
    env = {"THX_CRON_ACTION_MODULES": "tests.declared_tasks"}
    done = JobLog.objects.filter(job__key="tests.digest", status="succeeded")
    with thx_process(["worker"], sqlite_url(), log=tmp_path / "worker.log", **env):
        wait_for(lambda: done.count() >= 2, timeout=90)
    run = done.first()
    assert (run.result, run.output, run.trigger in ("schedule", "catch_up")) == (
        "hello from a task",
        "hello from a task\n",
        True,
    )
