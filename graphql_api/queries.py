"""Queries on jobs, runs, actions and schedules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from django.utils import timezone as django_timezone
from strawberry import relay
from strawberry_django.fields.types import OperationInfo
from strawberry_django.optimizer import optimize

from thx_cron.actions.registry import registry
from thx_cron.models import Job, JobEvent, JobLog
from thx_cron.schedules.schedule import InvalidSchedule, parse_timezone
from thx_cron.schedules.schedule_fields import place_of, schedule_from_fields
from thx_cron_graphql.connections import PAGE_LIMIT_NOTE, ListConnection, connection
from thx_cron_graphql.errors import operation_info
from thx_cron_graphql.filters import JobFilter, JobLogFilter, JobLogOrder, JobOrder
from thx_cron_graphql.ids import decode_id
from thx_cron_graphql.inputs import ScheduleInput, instant_input, schedule_values
from thx_cron_graphql.permissions import Info, current_user
from thx_cron_graphql.types import (
    Action,
    ActionArgument,
    JobLogType,
    JobType,
    SchedulePreview,
)

MAX_PREVIEW = 100


def _one(queryset: Any, info: Info, id: strawberry.ID, type_name: str) -> Any:
    pk = decode_id(id, type_name)
    if pk is None:
        return None
    return optimize(queryset.filter(pk=pk), info).first()


@strawberry.type
class JobQueries:
    jobs: ListConnection[JobType] = connection(
        "Job",
        filters=JobFilter,
        ordering=JobOrder,
        description="Jobs the caller may see. " + PAGE_LIMIT_NOTE,
    )
    job_logs: ListConnection[JobLogType] = connection(
        "JobLog",
        filters=JobLogFilter,
        ordering=JobLogOrder,
        description="Runs the caller may see. " + PAGE_LIMIT_NOTE,
    )

    @strawberry_django.field
    def job(self, info: Info, id: strawberry.ID) -> JobType | None:
        """The job with this id, if the caller may see it."""
        return _one(Job.objects.visible_to(current_user(info)), info, id, "Job")

    @strawberry_django.field
    def job_log(self, info: Info, id: strawberry.ID) -> JobLogType | None:
        """The run with this id, if the caller may see it."""
        return _one(JobLog.objects.visible_to(current_user(info)), info, id, "JobLog")

    @strawberry_django.field(
        description="The newest run event the caller may see: subscribe after it to miss nothing."
    )
    def latest_event_id(self, info: Info) -> strawberry.ID | None:
        user = current_user(info)
        if not user.is_authenticated:
            return None
        pk = JobEvent.objects.visible_to(user).order_by("-id").values_list("id", flat=True).first()
        return None if pk is None else strawberry.ID(relay.to_base64("JobEvent", pk))

    @strawberry_django.field
    def actions(self, info: Info) -> list[Action]:
        """The actions jobs may run, with their arguments (empty for anonymous callers)."""
        if not current_user(info).is_authenticated:
            return []
        return [
            Action(
                name=action.name,
                description=action.description,
                arguments=[
                    ActionArgument(
                        name=arg.name,
                        kind=arg.kind,
                        required=arg.required,
                        default=arg.default,
                        annotation=arg.annotation,
                    )
                    for arg in action.arguments
                ],
            )
            for action in registry.all()
        ]

    @strawberry_django.field
    def preview_schedule(
        self,
        info: Info,
        schedule: ScheduleInput,
        timezone: str = "UTC",
        count: int = 10,
        after: datetime | None = None,
    ) -> SchedulePreview | OperationInfo:
        """The next `count` occurrences after `after` (default now), as the dispatcher sees them."""
        try:
            return _preview(schedule, timezone, count, after)
        except ValidationError as exc:
            return operation_info(exc)


def _preview(
    schedule: ScheduleInput, timezone: str, count: int, after: datetime | None
) -> SchedulePreview:
    if not 1 <= count <= MAX_PREVIEW:
        raise ValidationError({"count": f"Count must be between 1 and {MAX_PREVIEW}."})
    values = schedule_values(schedule, timezone)
    now = django_timezone.now()
    if after is not None:
        after = instant_input(after, timezone, "after")
    # The schedule of a job with these fields, created now, with no window.
    fields = {**values, "timezone": timezone, "start_at": None, "end_at": None}
    preview = schedule_from_fields(fields, created_at=now)
    try:
        preview.validate()
        zone = parse_timezone(timezone)
        occurrences = preview.occurrences(after or now, count)
        description = preview.describe()
    except InvalidSchedule as exc:
        raise ValidationError({place_of(exc.field).input: exc.message}) from None
    return SchedulePreview(
        occurrences=[moment.astimezone(zone) for moment in occurrences], description=description
    )
