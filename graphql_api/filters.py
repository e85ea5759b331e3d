"""Filters and orderings for jobs and runs."""

from __future__ import annotations

import strawberry
import strawberry_django
from django.db.models import Q, QuerySet
from strawberry_django.fields.filter_types import BaseFilterLookup

from thx_cron.models import Job, JobLog
from thx_cron.schedules.schedule import Kind

# Filter values are the same enums as the fields they filter (`status: {exact: SUCCEEDED}`);
# strawberry.auto made them strings, so that `"SUCCEEDED"` silently matched nothing.
RunStatusLookup = BaseFilterLookup[JobLog.Status]
RunTriggerLookup = BaseFilterLookup[JobLog.Trigger]
ScheduleKindLookup = BaseFilterLookup[Kind]


@strawberry_django.filter_type(Job, lookups=True)
class JobFilter:
    id: strawberry.auto
    name: strawberry.auto
    enabled: strawberry.auto
    action: strawberry.auto
    schedule_kind: ScheduleKindLookup | None = strawberry.UNSET
    next_run_at: strawberry.auto
    last_status: RunStatusLookup | None = strawberry.UNSET

    @strawberry_django.filter_field
    def tag(self, value: str, prefix: str) -> Q:
        return Q(**{f"{prefix}pk__in": Job.objects.with_tag(value).values("pk")})

    @strawberry_django.filter_field(description="The owner's user name (staff see every owner).")
    def owner(self, value: str, prefix: str) -> Q:
        return Q(**{f"{prefix}owner__username": value})


@strawberry_django.order_type(Job)
class JobOrder:
    name: strawberry.auto
    next_run_at: strawberry.auto
    last_run_at: strawberry.auto
    created_at: strawberry.auto


@strawberry_django.filter_type(JobLog, lookups=True)
class JobLogFilter:
    id: strawberry.auto
    status: RunStatusLookup | None = strawberry.UNSET
    trigger: RunTriggerLookup | None = strawberry.UNSET
    queued_at: strawberry.auto
    finished_at: strawberry.auto

    @strawberry_django.filter_field
    def job_id(self, value: strawberry.ID, prefix: str) -> Q:
        from thx_cron_graphql.ids import decode_id

        return Q(**{f"{prefix}job_id": decode_id(value, "Job") or 0})


@strawberry_django.order_type(JobLog)
class JobLogOrder:
    queued_at: strawberry.auto
    started_at: strawberry.auto
    finished_at: strawberry.auto
    duration_seconds: strawberry.auto


__all__ = ["JobFilter", "JobLogFilter", "JobLogOrder", "JobOrder", "QuerySet"]
