"""GraphQL inputs, and how they map onto Job fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from django.core.exceptions import ValidationError
from strawberry.scalars import JSON

from thx_cron.schedules.instants import RANGE_TEXT, is_naive, range_error, wall_to_instant
from thx_cron.schedules.schedule import InvalidSchedule, Kind, parse_timezone
from thx_cron.schedules.schedule_fields import INPUT_PATHS, SPEC_FIELDS
from thx_cron_graphql.types import MisfirePolicy, OverlapPolicy


@strawberry.input
class CalendarInput:
    year: int | None = None
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int | None = None
    weekday: int | None = strawberry.field(default=None, description="0 = Monday … 6 = Sunday.")


@strawberry.input
class EveryInput:
    seconds: int


@strawberry.input(one_of=True, description="Exactly one of: cron, calendar, every, at.")
class ScheduleInput:
    cron: str | None = strawberry.UNSET
    calendar: CalendarInput | None = strawberry.UNSET
    every: EveryInput | None = strawberry.UNSET
    at: datetime | None = strawberry.field(
        default=strawberry.UNSET,
        description=(
            "An instant; without an offset, wall-clock time in the job's zone (a time the clock "
            f"skips means the jump, a repeated one its first pass). Between {RANGE_TEXT}."
        ),
    )


@strawberry.input
class JobInput:
    """Fields of a job; on update, omitted fields keep their value."""

    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    action: str | None = strawberry.UNSET
    args: JSON | None = strawberry.UNSET
    kwargs: JSON | None = strawberry.UNSET
    schedule: ScheduleInput | None = strawberry.UNSET
    timezone: str | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET
    enabled: bool | None = strawberry.UNSET
    one_time: bool | None = strawberry.UNSET
    start_at: datetime | None = strawberry.UNSET
    end_at: datetime | None = strawberry.UNSET
    max_runs: int | None = strawberry.UNSET
    timeout_seconds: int | None = strawberry.UNSET
    overlap_policy: OverlapPolicy | None = strawberry.UNSET
    misfire_policy: MisfirePolicy | None = strawberry.UNSET
    misfire_grace_seconds: int | None = strawberry.UNSET
    max_retries: int | None = strawberry.UNSET
    retry_backoff_seconds: int | None = strawberry.UNSET


# Where a model field's validation error points in the input the client sent.
FIELD_PATHS = {
    **INPUT_PATHS,
    "owner": "name",
    "__all__": "name",  # the only model-wide check is the unique name per owner
}
# Fields that cannot be null in the model: an explicit null in the input is an error.
_REQUIRED = {
    "name",
    "action",
    "timezone",
    "schedule",
    "enabled",
    "one_time",
    "args",
    "kwargs",
    "tags",
    "description",
    "overlap_policy",
    "misfire_policy",
    "max_retries",
    "retry_backoff_seconds",
}


def input_values(data: JobInput) -> dict[str, Any]:
    """Return the Job field values given in `data` (UNSET fields are left out)."""
    values: dict[str, Any] = {}
    for name in data.__dataclass_fields__:  # type: ignore[attr-defined]
        value = getattr(data, name)
        if value is strawberry.UNSET or name == "schedule":
            continue
        if value is None and name in _REQUIRED:
            values[name] = _Null
            continue
        values[name] = value.value if hasattr(value, "value") else value
    return values


class _Null:
    """Marks an explicit null for a field that needs a value."""


def null_fields(values: dict[str, Any]) -> list[str]:
    return [name for name, value in values.items() if value is _Null]


def schedule_values(schedule: ScheduleInput, timezone: str) -> dict[str, Any]:
    """Return the Job fields for a one-of schedule input (all schedule fields, reset first)."""
    values: dict[str, Any] = {name: None for name in SPEC_FIELDS}
    values["cron"] = ""
    if schedule.cron is not strawberry.UNSET and schedule.cron is not None:
        values.update(schedule_kind=Kind.CRON, cron=schedule.cron)
    elif schedule.calendar is not strawberry.UNSET and schedule.calendar is not None:
        calendar = schedule.calendar
        values.update(
            schedule_kind=Kind.CALENDAR,
            year=calendar.year,
            month=calendar.month,
            day=calendar.day,
            hour=calendar.hour,
            minute=calendar.minute,
            weekday=calendar.weekday,
        )
    elif schedule.every is not strawberry.UNSET and schedule.every is not None:
        values.update(schedule_kind=Kind.INTERVAL, every_seconds=schedule.every.seconds)
    else:
        values.update(schedule_kind=Kind.ONCE, run_at=_aware(schedule.at, timezone))
    return values


def _aware(at: Any, timezone: str) -> Any:
    """A naive `at` as the instant it means in the job's zone (thx_cron.schedules.instants' one
    rule).

    An unknown zone or an out-of-range time is left as it is, for validation to name.
    """
    if not isinstance(at, datetime) or not is_naive(at) or range_error(at) is not None:
        return at
    try:
        return wall_to_instant(at, parse_timezone(timezone))
    except InvalidSchedule:
        return at


def instant_input(value: datetime, timezone: str, field: str) -> datetime:
    """Return datetime input `value` as an aware instant, raising ValidationError on `field`.

    Naive means wall-clock time in `timezone` (or UTC when that zone is unknown).
    """
    if (problem := range_error(value)) is not None:
        raise ValidationError({field: f"{field} {problem}."})
    if not is_naive(value):
        return value
    try:
        zone = parse_timezone(timezone)
    except InvalidSchedule:
        zone = parse_timezone("UTC")
    return wall_to_instant(value, zone)
