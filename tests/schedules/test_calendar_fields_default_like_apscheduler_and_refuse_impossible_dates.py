"""Calendar schedules: explicit fields, APScheduler's defaults, impossible dates and DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from thx_cron.schedules.schedule import InvalidSchedule, Schedule, ScheduleSpec


def calendar(zone: str = "UTC", **fields: Any) -> Schedule:
    return Schedule(ScheduleSpec(kind="calendar", **fields), timezone=zone)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


AFTER = utc(2027, 3, 10, 10, 20)  # a Wednesday


def test_an_hour_alone_means_that_hour_on_the_dot_every_day() -> None:
    assert calendar(hour=9).occurrences(AFTER, 2) == [utc(2027, 3, 11, 9), utc(2027, 3, 12, 9)]


def test_a_day_and_an_hour_mean_that_time_on_that_day_of_every_month() -> None:
    assert calendar(day=1, hour=0).occurrences(AFTER, 2) == [utc(2027, 4, 1), utc(2027, 5, 1)]


def test_a_minute_alone_means_that_minute_of_every_hour() -> None:
    assert calendar(minute=30).occurrences(AFTER, 2) == [
        utc(2027, 3, 10, 10, 30),
        utc(2027, 3, 10, 11, 30),
    ]


def test_no_fields_at_all_means_every_minute() -> None:
    assert calendar().occurrences(AFTER, 2) == [utc(2027, 3, 10, 10, 21), utc(2027, 3, 10, 10, 22)]


def test_a_month_alone_means_midnight_on_the_first_of_that_month() -> None:
    assert calendar(month=6).occurrences(AFTER, 2) == [utc(2027, 6, 1), utc(2028, 6, 1)]


def test_a_fully_given_date_is_a_single_instant() -> None:
    schedule = calendar(year=2027, month=12, day=24, hour=18, minute=0)

    assert schedule.occurrences(AFTER, 5) == [utc(2027, 12, 24, 18)]


def test_a_fully_given_date_in_the_past_is_valid_and_has_no_next_occurrence() -> None:
    schedule = calendar(year=2020, month=1, day=1, hour=9, minute=0)

    schedule.validate()
    assert schedule.next_after(AFTER) is None


def test_a_weekday_and_an_hour_mean_that_hour_every_such_weekday() -> None:
    # Python's convention: 0 is Monday.
    assert calendar(weekday=0, hour=9).occurrences(AFTER, 2) == [
        utc(2027, 3, 15, 9),
        utc(2027, 3, 22, 9),
    ]


def test_a_weekday_alone_means_midnight_on_that_weekday() -> None:
    assert calendar(weekday=6).next_after(AFTER) == utc(2027, 3, 14)


def test_a_day_and_a_weekday_must_both_hold() -> None:
    # Friday the 13th: the first in 2027 is in August.
    assert calendar(day=13, weekday=4, hour=9).occurrences(utc(2027, 1, 1), 2) == [
        utc(2027, 8, 13, 9),
        utc(2028, 10, 13, 9),
    ]


def test_years_after_2099_are_reachable() -> None:
    assert calendar(year=2150, month=6, day=1, hour=12, minute=0).next_after(AFTER) == utc(
        2150, 6, 1, 12
    )


def test_february_29_runs_in_leap_years_only() -> None:
    assert calendar(month=2, day=29, hour=0).occurrences(AFTER, 2) == [
        utc(2028, 2, 29),
        utc(2032, 2, 29),
    ]


def test_a_calendar_time_follows_the_schedules_zone() -> None:
    assert calendar("Europe/Rome", hour=9).next_after(AFTER) == utc(2027, 3, 11, 8)


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"month": 2, "day": 30}, "February 30 never occurs"),
        ({"month": 4, "day": 31}, "April 31 never occurs"),
        ({"year": 2027, "month": 2, "day": 29}, "February 29, 2027 never occurs"),
        ({"year": 2027, "month": 1, "day": 1, "weekday": 0}, "never occurs"),
    ],
)
def test_an_impossible_date_is_rejected(fields: dict[str, int], fragment: str) -> None:
    with pytest.raises(InvalidSchedule) as caught:
        calendar(**fields).validate()

    assert caught.value.field == "calendar"
    assert fragment in caught.value.message


def test_february_29_of_a_leap_year_is_accepted() -> None:
    calendar(year=2028, month=2, day=29).validate()


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("year", 1969, "1970-2199"),
        ("year", 2200, "1970-2199"),
        ("month", 0, "1-12"),
        ("month", 13, "1-12"),
        ("day", 0, "1-31"),
        ("day", 32, "1-31"),
        ("hour", 24, "0-23"),
        ("hour", -1, "0-23"),
        ("minute", 60, "0-59"),
        ("weekday", 7, "0-6"),
        ("hour", "9", "whole number"),
        ("minute", True, "whole number"),
    ],
)
def test_a_field_out_of_range_is_rejected_naming_the_field(
    field: str, value: object, fragment: str
) -> None:
    with pytest.raises(InvalidSchedule) as caught:
        calendar(**{field: value}).validate()

    assert caught.value.field == field
    assert fragment in caught.value.message


def test_a_fixed_calendar_hour_in_the_spring_gap_runs_once_at_the_jump() -> None:
    schedule = calendar("Europe/Rome", hour=2, minute=30)

    assert schedule.between(utc(2027, 3, 27, 12), utc(2027, 3, 28, 12), 10) == [utc(2027, 3, 28, 1)]


def test_a_calendar_without_an_hour_follows_the_wall_clock_through_the_fall_back() -> None:
    schedule = calendar("Europe/Rome", minute=30)
    zone = ZoneInfo("Europe/Rome")
    start = datetime(2027, 10, 31, tzinfo=zone).astimezone(UTC) - timedelta(microseconds=1)

    runs = schedule.between(start, start + timedelta(hours=25), 100)

    assert len(runs) == 25
    assert [run.astimezone(zone).hour for run in runs].count(2) == 2
