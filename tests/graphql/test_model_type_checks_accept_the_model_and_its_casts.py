"""graphql-core's check that a value is of a model type accepts its model and casts only."""

from __future__ import annotations

import strawberry
from strawberry.types.base import get_object_definition

from thx_cron.models import Job, JobLog
from thx_cron_graphql.types import JobLogType, JobType


def test_a_run_type_accepts_runs_and_refuses_jobs_unless_cast() -> None:
    check = get_object_definition(JobLogType, strict=True).is_type_of
    assert check is not None
    assert check(JobLog(), None)
    assert not check(Job(), None)
    assert not check(object(), None)
    assert check(strawberry.cast(JobLogType, Job()), None)
    assert not check(strawberry.cast(JobType, JobLog()), None)
