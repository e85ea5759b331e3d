"""GraphQL output types: declarations only, resolved by strawberry-django and its optimizer."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeAlias

import strawberry
import strawberry_django
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from strawberry import relay
from strawberry.scalars import JSON
from strawberry_django.relay import DjangoListConnection

from thx_cron.models import Job, JobEvent, JobLog
from thx_cron_graphql.fields import ColumnField, isinstance_type_check, node_ids_from_pk
from thx_cron_graphql.filters import JobLogFilter, JobLogOrder
from thx_cron_graphql.models import ApiToken
from thx_cron_graphql.permissions import Info, current_user, restrict

# The models' choices are the API's enums: plain aliases for mypy, which rejects a variable
# holding strawberry.enum(...)'s result as a type; strawberry.enum marks the class in place.
RunStatus: TypeAlias = JobLog.Status
RunTrigger: TypeAlias = JobLog.Trigger
EventKind: TypeAlias = JobEvent.Kind
ScheduleKind: TypeAlias = Job.ScheduleKind
OverlapPolicy: TypeAlias = Job.Overlap
MisfirePolicy: TypeAlias = Job.Misfire
strawberry.enum(RunStatus, name="RunStatus")
strawberry.enum(RunTrigger, name="RunTrigger")
strawberry.enum(EventKind, name="EventKind")
strawberry.enum(ScheduleKind, name="ScheduleKind")
strawberry.enum(OverlapPolicy, name="OverlapPolicy")
strawberry.enum(MisfirePolicy, name="MisfirePolicy")

_SCHEDULE_COLUMNS = [
    "schedule_kind",
    "cron",
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "weekday",
    "every_seconds",
    "run_at",
    "timezone",
    "start_at",
    "end_at",
    "created_at",
]


@strawberry_django.type(get_user_model(), name="User", field_cls=ColumnField)
class UserType:
    id: strawberry.ID
    is_staff: bool

    @strawberry_django.field(
        only=[get_user_model().USERNAME_FIELD],
        description="The user's name as it logs in: the user model's USERNAME_FIELD.",
    )
    def username(self, root: Any) -> str:
        return str(root.get_username())


@strawberry.type
class CalendarSchedule:
    year: int | None
    month: int | None
    day: int | None
    hour: int | None
    minute: int | None
    weekday: int | None = strawberry.field(description="0 = Monday … 6 = Sunday.")


@strawberry.type
class EverySchedule:
    seconds: int


@strawberry.type
class ScheduleType:
    """A job's schedule: its kind, the fields of that kind, and a human description."""

    kind: ScheduleKind
    cron: str | None
    calendar: CalendarSchedule | None
    every: EverySchedule | None
    at: datetime | None
    description: str


@isinstance_type_check
@node_ids_from_pk
@strawberry_django.type(JobLog, name="JobLog", field_cls=ColumnField)
class JobLogType(relay.Node):
    _id_attr = "pk"  # found once here, not by re-reading annotations per node
    job: JobType
    status: RunStatus
    trigger: RunTrigger
    scheduled_for: datetime | None
    queued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    duration_seconds: float | None
    result: JSON | None
    output: str
    error: str
    traceback: str
    attempt: int
    worker: str

    @classmethod
    def get_queryset(cls, queryset: QuerySet[JobLog], info: Info, **kwargs: Any) -> QuerySet:
        # `Job.runs` lists runs of a job the caller already sees (JobType.get_queryset); checking
        # again put a subquery of all their jobs into every page's runs query.
        field = getattr(info, "_field", None)
        if field is not None and field.origin is JobType and field.python_name == "runs":
            return queryset
        return restrict(queryset, current_user(info), "job__")


@isinstance_type_check
@node_ids_from_pk
@strawberry_django.type(Job, name="Job", field_cls=ColumnField)
class JobType(relay.Node):
    _id_attr = "pk"  # found once here, not by re-reading annotations per node
    name: str
    description: str
    enabled: bool
    action: str
    args: JSON
    kwargs: JSON
    tags: list[str]
    timezone: str
    one_time: bool
    start_at: datetime | None
    end_at: datetime | None
    max_runs: int | None
    timeout_seconds: int | None
    overlap_policy: OverlapPolicy
    misfire_policy: MisfirePolicy
    misfire_grace_seconds: int | None
    max_retries: int
    retry_backoff_seconds: int
    next_run_at: datetime | None
    last_run_at: datetime | None
    last_run: JobLogType | None
    consecutive_failures: int
    run_count: int
    success_count: int
    failure_count: int
    created_at: datetime
    updated_at: datetime
    owner: UserType | None
    # strawberry-django's own connection: its optimizer limits a nested list per parent (a window
    # per job) only for that exact class, so a subclass here would load every run of every job.
    runs: DjangoListConnection[JobLogType] = strawberry_django.connection(
        filters=JobLogFilter, ordering=JobLogOrder, description="The job's runs, latest first."
    )

    @strawberry_django.field(only=_SCHEDULE_COLUMNS)
    def schedule(self, root: Job) -> ScheduleType:
        kind = Job.ScheduleKind(root.schedule_kind)
        calendar = every = None
        if kind == Job.ScheduleKind.CALENDAR:
            calendar = CalendarSchedule(
                year=root.year,
                month=root.month,
                day=root.day,
                hour=root.hour,
                minute=root.minute,
                weekday=root.weekday,
            )
        if kind == Job.ScheduleKind.INTERVAL and root.every_seconds:
            every = EverySchedule(seconds=root.every_seconds)
        return ScheduleType(
            kind=kind,
            cron=root.cron if kind == Job.ScheduleKind.CRON else None,
            calendar=calendar,
            every=every,
            at=root.run_at if kind == Job.ScheduleKind.ONCE else None,
            description=root.schedule.describe(),
        )

    @classmethod
    def get_queryset(cls, queryset: QuerySet[Job], info: Info, **kwargs: Any) -> QuerySet:
        return restrict(queryset, current_user(info))


@isinstance_type_check
@node_ids_from_pk
@strawberry_django.type(JobEvent, name="JobEvent", field_cls=ColumnField)
class JobEventType(relay.Node):
    _id_attr = "pk"  # found once here, not by re-reading annotations per node
    kind: EventKind
    occurred_at: datetime
    data: JSON
    job: JobType
    log: JobLogType | None = strawberry_django.field(field_name="run")


@strawberry.type
class ActionArgument:
    name: str
    kind: str = strawberry.field(description="positional, keyword, var_positional or var_keyword.")
    required: bool
    default: JSON | None
    annotation: str


@strawberry.type
class Action:
    name: str
    description: str
    arguments: list[ActionArgument]


@strawberry.type
class SchedulePreview:
    occurrences: list[datetime] = strawberry.field(
        description="The next occurrences, in the schedule's time zone."
    )
    description: str


@strawberry_django.type(ApiToken, name="ApiToken", field_cls=ColumnField)
class ApiTokenType:
    id: strawberry.ID
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@strawberry.type
class NewApiToken:
    token: str = strawberry.field(description="The secret; shown once, only its hash is stored.")
    api_token: ApiTokenType


@strawberry.type
class DeletedJob:
    id: strawberry.ID
    name: str
