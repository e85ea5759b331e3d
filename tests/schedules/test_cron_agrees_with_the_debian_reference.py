"""thx-cron against the reference (tests/schedules/reference.py) on random expressions.

Bounded and derandomised, so CI runs the same examples every time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.schedules import expressions as ex
from tests.schedules import reference
from thx_cron.schedules.schedule import Schedule, ScheduleSpec

BOUNDED = settings(
    derandomize=True,
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def thx(expression: str, zone: str, start: datetime, end: datetime) -> list[datetime]:
    schedule = Schedule(ScheduleSpec(kind="cron", cron=expression), timezone=zone)
    return schedule.between(start, end, 100_000)


@st.composite
def around_a_transition(draw: st.DrawFn) -> tuple[str, datetime]:
    """A zone and a start near one of its transitions: before, inside a gap or a second pass."""
    zone = draw(st.sampled_from(ex.ZONES))
    moments = ex.transitions(zone)
    moment = draw(st.sampled_from(moments))
    return zone, moment + timedelta(minutes=draw(st.integers(-150, 150)))


@st.composite
def anywhere(draw: st.DrawFn) -> tuple[str, datetime]:
    zone = draw(st.sampled_from(ex.ZONES))
    start = ex.FIRST + timedelta(minutes=draw(st.integers(0, 15 * 365 * 24 * 60)))
    return zone, start


@BOUNDED
@given(
    minute=ex.sparse_minutes,
    hour=ex.sparse_hours,
    day=ex.day_of_month,
    month=ex.months,
    weekday=ex.day_of_week,
    where=anywhere(),
)
def test_day_month_and_weekday_rules_match_the_reference_over_a_year(
    minute: str, hour: str, day: str, month: str, weekday: str, where: tuple[str, datetime]
) -> None:
    zone, start = where
    expression = f"{minute} {hour} {day} {month} {weekday}"
    end = start + timedelta(days=400)

    assert thx(expression, zone, start, end) == reference.occurrences(expression, zone, start, end)


@BOUNDED
@given(minute=ex.minutes, hour=ex.hours, where=around_a_transition())
def test_times_around_every_kind_of_transition_match_the_reference(
    minute: str, hour: str, where: tuple[str, datetime]
) -> None:
    zone, start = where
    expression = f"{minute} {hour} * * *"
    end = start + timedelta(days=2)

    assert thx(expression, zone, start, end) == reference.occurrences(expression, zone, start, end)


@BOUNDED
@given(minute=ex.minutes, hour=ex.hours, weekday=ex.day_of_week, where=around_a_transition())
def test_next_after_from_inside_a_gap_or_a_second_pass_is_the_reference_s_first(
    minute: str, hour: str, weekday: str, where: tuple[str, datetime]
) -> None:
    zone, start = where
    expression = f"{minute} {hour} * * {weekday}"
    expected = reference.occurrences(expression, zone, start, start + timedelta(days=40))
    schedule = Schedule(ScheduleSpec(kind="cron", cron=expression), timezone=zone)

    first = schedule.next_after(start)
    if expected:
        assert first == expected[0]
        assert schedule.latest_at_or_before(expected[-1], start) == expected[-1]
    else:  # a weekday restriction such as 5#5 may leave 40 days empty
        assert first is None or first > start + timedelta(days=40)


@settings(BOUNDED, max_examples=40)
@given(minute=ex.minutes, hour=ex.hours, seconds=ex.seconds, where=around_a_transition())
def test_a_seconds_field_around_every_kind_of_transition_matches_the_reference(
    minute: str, hour: str, seconds: str, where: tuple[str, datetime]
) -> None:
    zone, start = where
    expression = f"{minute} {hour} * * * {seconds}"
    end = start + timedelta(days=2)

    assert thx(expression, zone, start, end) == reference.occurrences(expression, zone, start, end)


@BOUNDED
@given(
    minute=ex.sparse_minutes,
    hour=ex.sparse_hours,
    day=ex.day_of_month,
    month=ex.months,
    weekday=ex.day_of_week,
    seconds=ex.seconds,
    year=ex.years,
    where=anywhere(),
)
def test_a_year_field_matches_the_reference_over_a_year(
    minute: str,
    hour: str,
    day: str,
    month: str,
    weekday: str,
    seconds: str,
    year: str,
    where: tuple[str, datetime],
) -> None:
    zone, start = where
    expression = f"{minute} {hour} {day} {month} {weekday} {seconds} {year}"
    end = start + timedelta(days=400)

    assert thx(expression, zone, start, end) == reference.occurrences(expression, zone, start, end)


def test_every_second_of_a_skipped_minute_of_a_fixed_time_job_runs_once_at_the_jump() -> None:
    zone, start = "America/New_York", datetime(2027, 3, 14, 5, tzinfo=UTC)
    end = start + timedelta(hours=4)
    expected = [datetime(2027, 3, 14, 7, tzinfo=UTC)]  # 03:00 EDT, the jump

    assert reference.occurrences("30 2 * * * 15,45", zone, start, end) == expected
    assert thx("30 2 * * * 15,45", zone, start, end) == expected
    # A wildcard job skips them instead, and runs both seconds of every other minute.
    wildcard = thx("* 2,3 * * * 15,45", zone, start, end)
    assert wildcard == reference.occurrences("* 2,3 * * * 15,45", zone, start, end)
    assert len(wildcard) == 120 and wildcard[0] == datetime(2027, 3, 14, 7, 0, 15, tzinfo=UTC)
