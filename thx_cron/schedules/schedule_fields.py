"""A job's schedule as fields: which fields they are, where an error in them belongs, and the one
function from those fields to a `Schedule`.

Pure logic: no Django. The model (`thx_cron.models.Job.schedule` and its validation), the
declarations in code, the admin and the GraphQL API (its mutations and `previewSchedule`) all read
these names from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, NamedTuple

from thx_cron.schedules.schedule import Kind, Schedule, ScheduleSpec

# The fields a schedule input sets (the spec: its kind and the fields each kind reads).
SPEC_FIELDS = (
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
)
# Every field the schedule depends on, in the order forms show them.
SCHEDULE_FIELDS = (*SPEC_FIELDS, "timezone", "start_at", "end_at")


class Place(NamedTuple):
    """Where a schedule error is reported: on the job's field, and in a client's input."""

    field: str  # the Job model field
    input: str  # the path in the API's job input (`schedule` is the one-of schedule input)


# `InvalidSchedule.field` (and `CronError.field`) -> where the error belongs.
ERROR_PLACES: Mapping[str, Place] = {
    "kind": Place("schedule_kind", "schedule"),
    "cron": Place("cron", "schedule.cron"),
    "calendar": Place("day", "schedule.calendar"),  # a date that never occurs
    "year": Place("year", "schedule.calendar.year"),
    "month": Place("month", "schedule.calendar.month"),
    "day": Place("day", "schedule.calendar"),
    "hour": Place("hour", "schedule.calendar.hour"),
    "minute": Place("minute", "schedule.calendar.minute"),
    "weekday": Place("weekday", "schedule.calendar.weekday"),
    "every_seconds": Place("every_seconds", "schedule.every.seconds"),
    "at": Place("run_at", "schedule.at"),
    "timezone": Place("timezone", "timezone"),
    "start_at": Place("start_at", "start_at"),
    "end_at": Place("end_at", "end_at"),
}
# An error naming no field above is the kind's.
UNPLACED = ERROR_PLACES["kind"]
# Job model field -> its path in the API's job input, for every schedule field.
INPUT_PATHS: Mapping[str, str] = {place.field: place.input for place in ERROR_PLACES.values()}


def place_of(error_field: str) -> Place:
    """Where an `InvalidSchedule` naming `error_field` is reported."""
    return ERROR_PLACES.get(error_field, UNPLACED)


def schedule_from_fields(fields: Mapping[str, Any], *, created_at: datetime | None) -> Schedule:
    """The schedule that a job's SCHEDULE_FIELDS values stand for.

    An interval without `start_at` counts from the job's creation, `created_at` (a preview's job
    would be created now).
    """
    spec = ScheduleSpec(
        kind=fields["schedule_kind"],
        cron=fields["cron"],
        year=fields["year"],
        month=fields["month"],
        day=fields["day"],
        hour=fields["hour"],
        minute=fields["minute"],
        weekday=fields["weekday"],
        every_seconds=fields["every_seconds"],
        at=fields["run_at"],
    )
    start_at = fields["start_at"]
    if spec.kind == Kind.INTERVAL and start_at is None:
        start_at = created_at
    return Schedule(
        spec=spec, timezone=fields["timezone"], start_at=start_at, end_at=fields["end_at"]
    )
