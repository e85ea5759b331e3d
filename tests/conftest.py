from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from thx_cron.models import Job


@pytest.fixture
def user(db: Any) -> Any:
    return get_user_model().objects.create_user("alice", password="alice-password")


@pytest.fixture
def other_user(db: Any) -> Any:
    return get_user_model().objects.create_user("bob", password="bob-password")


@pytest.fixture
def staff_user(db: Any) -> Any:
    return get_user_model().objects.create_user("carol", password="carol-password", is_staff=True)


@pytest.fixture
def make_job(db: Any) -> Callable[..., Job]:
    """Build, validate and save a job; keyword arguments override the defaults."""
    counter = iter(range(1, 1_000_000))

    def make(**fields: Any) -> Job:
        values: dict[str, Any] = {
            "name": f"job-{next(counter)}",
            "action": "demo.echo",
            "args": ["hello"],
            "schedule_kind": Job.ScheduleKind.CRON,
            "cron": "* * * * *",
        }
        values.update(fields)
        job = Job(**values)
        job.full_clean()
        job.save()
        return job

    return make
