"""A Django task (Django 6's `django.tasks`) declared as a job, for worker processes in tests.

Imported only on Django 6, through THX_CRON_ACTION_MODULES.
"""

from __future__ import annotations

from django.tasks import task

import thx_cron


@thx_cron.job(key="tests.digest", every=1, kwargs={"greeting": "hello from a task"})
@task
def digest(greeting: str, times: int = 1) -> str:
    """Print the greeting `times` times and return it."""
    for _ in range(times):
        print(greeting)
    return greeting


@task(takes_context=True)
def needs_context(context: object) -> None:
    """A task that wants Django's task context (not declared: thx-cron refuses it)."""
