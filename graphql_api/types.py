"""GraphQL output types: declarations only, resolved by strawberry-django and its optimizer."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeAlias

import strawberry
import strawberry_django
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone as django_timezone
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types.base import get_object_definition
from strawberry_django.relay import DjangoListConnection

from thx_cron import durations
from thx_cron.models import Job, JobEvent, JobLog
from thx_cron.schedules.misfire import MisfirePolicy as Misfire
from thx_cron.schedules.schedule import Kind, parse_timezone
from thx_cron.schedules.schedule_fields import SCHEDULE_FIELDS
from thx_cron.security import visibility
from thx_cron_graphql.connections import PAGE_LIMIT_NOTE, connection
from thx_cron_graphql.errors import InvalidArgument
from thx_cron_graphql.fields import ColumnField, is_model_type, node_ids_from_pk
from thx_cron_graphql.filters import JobLogFilter, JobLogOrder
from thx_cron_graphql.models import ApiToken
from thx_cron_graphql.permissions import Info, current_user

# The models' choices are the API's enums (for the schedule kind and the misfire policy, the
# pure enums the model's choices are built from): plain aliases for mypy, which rejects a
# variable holding strawberry.enum(...)'s result as a type; strawberry.enum marks the class in
# place.
RunStatus: TypeAlias = JobLog.Status
RunTrigger: TypeAlias = JobLog.Trigger
EventKind: TypeAlias = JobEvent.Kind
ScheduleKind: TypeAlias = Kind
OverlapPolicy: TypeAlias = Job.Overlap
MisfirePolicy: TypeAlias = Misfire
strawberry.enum(RunStatus, name="RunStatus")
strawberry.enum(RunTrigger, name="RunTrigger")
strawberry.enum(EventKind, name="EventKind")
strawberry.enum(ScheduleKind, name="ScheduleKind")
strawberry.enum(OverlapPolicy, name="OverlapPolicy")
strawberry.enum(MisfirePolicy, name="MisfirePolicy")

MAX_OCCURRENCES = 100

# The run's status each event kind reports.
EVENT_STATUS: dict[str, JobLog.Status] = {
    JobEvent.Kind.QUEUED: JobLog.Status.QUEUED,
    JobEvent.Kind.STARTED: JobLog.Status.RUNNING,
    JobEvent.Kind.OUTPUT: JobLog.Status.RUNNING,
    **{status: JobLog.Status(status) for status in JobLog.FINISHED_STATUSES},
}

_SCHEDULE_COLUMNS = [*SCHEDULE_FIELDS, "created_at"]


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


@strawberry.type(description="p50, p95 and the largest value of some recent runs' figures.")
class Spread:
    count: int = strawberry.field(description="How many runs the figures come from.")
    p50_seconds: float | None
    p95_seconds: float | None
    max_seconds: float | None


@strawberry.type(description="How long a job's recent runs took, and how late they started.")
class DurationStats:
    duration: Spread = strawberry.field(description="From start to end of each run.")
    lateness: Spread = strawberry.field(
        description="From the occurrence to the start, of scheduled runs only."
    )


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


@node_ids_from_pk
@strawberry_django.type(JobLog, name="JobLog", field_cls=ColumnField)
class JobLogType(relay.Node):
    _id_attr = "pk"  # found once here, not by re-reading annotations per node
    is_type_of = is_model_type(JobLog)
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
    cancel_requested: bool = strawberry_django.field(
        description="A cancel was asked for; the worker stops the run within about a second."
    )

    events: list[JobEventType] = strawberry_django.field(
        description="The run's events (queued, started, output, finished), oldest first."
    )

    @strawberry_django.field(
        only=["scheduled_for", "started_at"],
        description="How late the run started after its occurrence (null without either).",
    )
    def lateness_seconds(self, root: JobLog) -> float | None:
        if root.scheduled_for is None or root.started_at is None:
            return None
        return (root.started_at - root.scheduled_for).total_seconds()

    @classmethod
    def get_queryset(cls, queryset: QuerySet[JobLog], info: Info, **kwargs: Any) -> QuerySet:
        # `Job.runs` lists runs of a job the caller already sees (JobType.get_queryset); checking
        # again put a subquery of all their jobs into every page's runs query.
        if info.python_name == "runs" and info.return_type is _JOB_RUNS_TYPE:
            return queryset
        return visibility.visible(queryset, current_user(info))


@node_ids_from_pk
@strawberry_django.type(Job, name="Job", field_cls=ColumnField)
class JobType(relay.Node):
    _id_attr = "pk"  # found once here, not by re-reading annotations per node
    is_type_of = is_model_type(Job)
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
    declared: bool = strawberry_django.field(
        description="Declared in code: only pause, resume and run now change it here."
    )
    key: str | None = strawberry_django.field(
        description="The key of its declaration in code (kept after the code drops it)."
    )
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
    runs: DjangoListConnection[JobLogType] = connection(
        "JobLog",
        filters=JobLogFilter,
        ordering=JobLogOrder,
        description="The job's runs, latest first. " + PAGE_LIMIT_NOTE,
    )

    @strawberry_django.field(only=_SCHEDULE_COLUMNS)
    def schedule(self, root: Job) -> ScheduleType:
        kind = Kind(root.schedule_kind)
        calendar = every = None
        if kind == Kind.CALENDAR:
            calendar = CalendarSchedule(
                year=root.year,
                month=root.month,
                day=root.day,
                hour=root.hour,
                minute=root.minute,
                weekday=root.weekday,
            )
        if kind == Kind.INTERVAL and root.every_seconds:
            every = EverySchedule(seconds=root.every_seconds)
        return ScheduleType(
            kind=kind,
            cron=root.cron if kind == Kind.CRON else None,
            calendar=calendar,
            every=every,
            at=root.run_at if kind == Kind.ONCE else None,
            description=root.schedule.describe(),
        )

    @strawberry_django.field(
        only=["id"],
        description=(
            f"Duration and lateness of the job's last `lastRuns` finished runs (1 to "
            f"{durations.MAX_RUNS}). One query per job: ask for it on a few jobs at a time."
        ),
    )
    def duration_stats(self, root: Job, last_runs: int = 20) -> DurationStats:
        if not 1 <= last_runs <= durations.MAX_RUNS:
            raise ValidationError(
                {"lastRuns": f"Must be from 1 to {durations.MAX_RUNS} (got {last_runs})."}
            )
        stats = durations.recent_runs(root.pk, last_runs)
        return DurationStats(duration=_spread(stats.duration), lateness=_spread(stats.lateness))

    @strawberry_django.field(
        only=_SCHEDULE_COLUMNS,
        description="The schedule's next `count` occurrences from now (1-100), in the job's zone.",
    )
    def next_occurrences(self, root: Job, count: int = 10) -> list[datetime]:
        if not 1 <= count <= MAX_OCCURRENCES:
            raise InvalidArgument("count", f"Must be from 1 to {MAX_OCCURRENCES} (got {count}).")
        zone = parse_timezone(root.timezone)
        moments = root.schedule.occurrences(django_timezone.now(), count)
        return [moment.astimezone(zone) for moment in moments]

    @classmethod
    def get_queryset(cls, queryset: QuerySet[Job], info: Info, **kwargs: Any) -> QuerySet:
        return visibility.visible(queryset, current_user(info))


def _field_type(cls: type, name: str) -> Any:
    field = get_object_definition(cls, strict=True).get_field(name)
    assert field is not None, name
    return field.type


# The type of the field whose runs JobLogType.get_queryset leaves unrestricted (their job is
# visible); Info.return_type is this very object while that field resolves or is prefetched.
_JOB_RUNS_TYPE = _field_type(JobType, "runs")


def _spread(figures: durations.Spread) -> Spread:
    return Spread(
        count=figures.count,
        p50_seconds=figures.p50,
        p95_seconds=figures.p95,
        max_seconds=figures.max,
    )


@node_ids_from_pk
@strawberry_django.type(JobEvent, name="JobEvent", field_cls=ColumnField)
class JobEventType(relay.Node):
    _id_attr = "pk"  # found once here, not by re-reading annotations per node
    is_type_of = is_model_type(JobEvent)
    kind: EventKind
    occurred_at: datetime
    data: JSON
    job: JobType
    log: JobLogType | None = strawberry_django.field(
        field_name="run",
        description="The run as it is now, which may be later than the event: read the "
        "event's own `status` for the state the event reports.",
    )

    @strawberry_django.field(
        only=["kind"],
        description="The run's status that this event reports (RUNNING for started and "
        "output events); null for events about the job (missed).",
    )
    def status(self, root: JobEvent) -> RunStatus | None:
        return EVENT_STATUS.get(root.kind)


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
    expires_at: datetime | None


@strawberry.type
class NewApiToken:
    token: str = strawberry.field(description="The secret; shown once, only its hash is stored.")
    api_token: ApiTokenType


@strawberry.type
class DeletedJob:
    id: strawberry.ID
    name: str
