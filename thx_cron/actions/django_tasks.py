"""Django Tasks (`django.tasks`, Django 6.0+) as actions: a task's function runs as the action.

thx-cron calls the task's function on its own django-q2 workers, under the run's capture,
timeout and recording; the project's TASKS backend is not involved (`task.enqueue()` elsewhere
still goes to it). On Django 5.2 there are no tasks, and asking for one says so.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import django
from django.utils.module_loading import import_string

try:
    from django.tasks import Task  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # Django 5.2
    Task = None

AVAILABLE = Task is not None
UNAVAILABLE = (
    "Django Tasks (django.tasks) need Django 6.0 or later; this project runs Django {version}."
)


class TaskUnusable(ValueError):
    """The object cannot be used as a job's action (not a task, or tasks are unavailable)."""


def unavailable_message() -> str:
    return UNAVAILABLE.format(version=django.get_version())


def is_task(obj: Any) -> bool:
    return Task is not None and isinstance(obj, Task)


def task_path(obj: Any) -> str | None:
    """Return the dotted path of a Django task, or None for anything else."""
    return str(obj.module_path) if is_task(obj) else None


def as_callable(task: Any) -> Callable[..., Any]:
    """Return a function with the task's signature that calls it in this process."""
    if task.takes_context:
        raise TaskUnusable(
            f"{task.module_path} takes a task context (takes_context=True); thx-cron runs the "
            "function itself and has no Django task result to pass."
        )

    @functools.wraps(task.func)
    def call(*args: Any, **kwargs: Any) -> Any:
        return task.call(*args, **kwargs)

    return call


def load(path: str) -> Any:
    """Import the Django task at the dotted `path`, or raise TaskUnusable."""
    if not AVAILABLE:
        raise TaskUnusable(unavailable_message())
    try:
        found = import_string(path)
    except ImportError as exc:
        raise TaskUnusable(f"Cannot import {path!r}: {exc}") from None
    if not is_task(found):
        raise TaskUnusable(f"{path!r} is not a Django task (decorate it with @task).")
    return found
