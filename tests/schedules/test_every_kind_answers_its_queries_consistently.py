"""Properties of every kind (cron, calendar, interval, once): next_after, between,
latest_at_or_before and occurrences tell one story, through the Python API and previewSchedule.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.graphql.client import GraphQLClient
from tests.schedules import expressions as ex
from thx_cron.schedules.schedule import InvalidSchedule, Schedule, ScheduleSpec

TICK = timedelta(microseconds=1)
BOUNDED = settings(
    derandomize=True,
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
instants = st.integers(0, 15 * 365 * 24 * 3600).map(lambda s: ex.FIRST + timedelta(seconds=s))
walls = st.datetimes(datetime(2020, 1, 1), datetime(2035, 12, 31))
zones = st.sampled_from(ex.ZONES)

cron_specs = st.builds(
    lambda m, h, d, mo, w: ScheduleSpec(kind="cron", cron=f"{m} {h} {d} {mo} {w}"),
    st.one_of(ex.sparse_minutes, ex.minutes),
    ex.hours,
    ex.day_of_month,
    ex.months,
    ex.day_of_week,
)
calendar_specs = st.builds(
    lambda y, mo, d, h, mi, w: ScheduleSpec(
        kind="calendar", year=y, month=mo, day=d, hour=h, minute=mi, weekday=w
    ),
    st.none() | st.integers(2020, 2035),
    st.none() | st.integers(1, 12),
    st.none() | st.integers(1, 31),
    st.none() | st.integers(0, 23),
    st.none() | st.integers(0, 59),
    st.none() | st.integers(0, 6),
)
interval_specs = st.builds(
    lambda every: ScheduleSpec(kind="interval", every_seconds=every), st.integers(1, 10**7)
)
once_specs = st.builds(lambda at: ScheduleSpec(kind="once", at=at), walls | instants)
specs = st.one_of(cron_specs, calendar_specs, interval_specs, once_specs)


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    spec = draw(specs)
    start = draw(st.none() | instants)
    end = draw(st.none() | instants)
    assume(start is None or end is None or start <= end)
    schedule = Schedule(spec, timezone=draw(zones), start_at=start, end_at=end)
    try:
        schedule.validate()
    except InvalidSchedule:
        assume(False)
    return schedule


@BOUNDED
@given(schedule=schedules(), after=instants)
def test_the_four_queries_tell_one_story(schedule: Schedule, after: datetime) -> None:
    upcoming = schedule.occurrences(after, 6)

    assert upcoming == sorted(set(upcoming))
    assert all(moment > after and moment.tzinfo is UTC for moment in upcoming)
    assert all(schedule.start_at is None or moment >= schedule.start_at for moment in upcoming)
    assert all(schedule.end_at is None or moment <= schedule.end_at for moment in upcoming)
    assert schedule.next_after(after) == (upcoming[0] if upcoming else None)
    if not upcoming:
        return
    assert schedule.between(after, upcoming[-1], 6) == upcoming
    assert schedule.between(after, upcoming[-1] - TICK, 6) == upcoming[:-1]
    for index, moment in enumerate(upcoming):
        assert schedule.latest_at_or_before(moment, after) == moment
        previous = upcoming[index - 1] if index else None
        assert schedule.latest_at_or_before(moment - TICK, after) == previous
        assert schedule.occurrences(moment, 5 - index) == upcoming[index + 1 :]


@BOUNDED
@given(spec=calendar_specs, after=instants)
def test_a_calendar_schedule_runs_only_on_its_fields(spec: ScheduleSpec, after: datetime) -> None:
    schedule = Schedule(spec)  # UTC: no DST, so every field must be exactly as given
    try:
        upcoming = schedule.occurrences(after, 5)
    except InvalidSchedule:
        return
    for moment in upcoming:
        for name in ("year", "month", "day", "hour", "minute"):
            given_value = getattr(spec, name)
            assert given_value is None or getattr(moment, name) == given_value
        assert spec.weekday is None or moment.weekday() == spec.weekday
        assert moment.second == 0


@BOUNDED
@given(every=st.integers(1, 10**7), start=instants, after=instants)
def test_an_interval_schedule_steps_exactly_from_its_anchor(
    every: int, start: datetime, after: datetime
) -> None:
    schedule = Schedule(ScheduleSpec(kind="interval", every_seconds=every), start_at=start)
    upcoming = schedule.occurrences(after, 5)

    assert len(upcoming) == 5
    assert all((moment - start) % timedelta(seconds=every) == timedelta() for moment in upcoming)
    assert all(b - a == timedelta(seconds=every) for a, b in pairwise(upcoming))
    assert upcoming[0] - timedelta(seconds=every) <= max(after, start - TICK)


@BOUNDED
@given(wall=walls, zone=zones)
def test_a_naive_once_time_is_its_wall_time_or_the_jump_over_it(wall: datetime, zone: str) -> None:
    schedule = Schedule(ScheduleSpec(kind="once", at=wall), timezone=zone)
    [moment] = schedule.occurrences(datetime(2019, 1, 1, tzinfo=UTC), 5)
    local = moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)

    if local == wall:  # the wall time exists: its first pass, the earlier of fold 0 and 1
        passes = {wall.replace(tzinfo=ZoneInfo(zone), fold=fold).astimezone(UTC) for fold in (0, 1)}
        assert moment == min(
            p for p in passes if p.astimezone(ZoneInfo(zone)).replace(tzinfo=None) == wall
        )
    else:  # skipped: the instant of the jump, the first one showing a later time
        assert local > wall
        just_before = (moment - timedelta(seconds=1)).astimezone(ZoneInfo(zone))
        assert just_before.replace(tzinfo=None) < wall


@pytest.mark.django_db
@BOUNDED
@given(schedule=schedules(), after=instants)
def test_preview_schedule_shows_what_the_python_api_computes(
    schedule: Schedule, after: datetime
) -> None:
    assume(schedule.spec.kind != "interval")  # a preview's interval counts from now
    assume(schedule.start_at is None and schedule.end_at is None)
    spec = schedule.spec
    value: dict[str, Any]
    if spec.kind == "cron":
        value = {"cron": spec.cron}
    elif spec.kind == "calendar":
        names = ("year", "month", "day", "hour", "minute", "weekday")
        value = {"calendar": {name: getattr(spec, name) for name in names}}
    else:
        assert spec.at is not None
        value = {"at": spec.at.isoformat()}
    answer = GraphQLClient().data(
        """query($s: ScheduleInput!, $tz: String!, $after: DateTime) {
          previewSchedule(schedule: $s, timezone: $tz, count: 5, after: $after) {
            ... on SchedulePreview { occurrences } } }""",
        {"s": value, "tz": schedule.timezone, "after": after.isoformat()},
    )["previewSchedule"]
    shown = [datetime.fromisoformat(moment) for moment in answer["occurrences"]]

    assert shown == schedule.occurrences(after, 5)
