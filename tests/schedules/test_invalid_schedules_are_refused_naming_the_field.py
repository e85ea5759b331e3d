"""Every invalid schedule is rejected with InvalidSchedule naming the field and the reason."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from thx_cron.schedules.schedule import InvalidSchedule, Schedule, ScheduleSpec, parse_timezone


def rejection(schedule: Schedule) -> InvalidSchedule:
    with pytest.raises(InvalidSchedule) as caught:
        schedule.validate()
    return caught.value


def cron(expression: str) -> Schedule:
    return Schedule(ScheduleSpec(kind="cron", cron=expression))


@pytest.mark.parametrize(
    ("expression", "fragments"),
    [
        ("61 * * * *", ["minute", "61", "0-59"]),
        ("0 24 * * *", ["hour", "24", "0-23"]),
        ("0 0 0 * *", ["day of month", "0", "1-31"]),
        ("0 0 32 * *", ["day of month", "32", "1-31"]),
        ("0 0 * 13 *", ["month", "13", "1-12"]),
        ("0 0 * * 8", ["day of week", "8", "0-7"]),
        ("0 0 * * * 60", ["seconds", "60", "0-59"]),
        ("0 0 * * * 0 2200", ["year", "2200", "1970-2199"]),
        ("0 0 * * * 0 1969", ["year", "1969", "1970-2199"]),
        ("0-70 * * * *", ["minute", "70", "0-59"]),
        ("0 1,2,25 * * *", ["hour", "25"]),
        ("* * *", ["5 fields", "got 3"]),
        ("* * * * * * * *", ["got 8"]),
        ("", ["empty"]),
        ("*/0 * * * *", ["step", "minute"]),
        ("JAN * * * *", ["'jan'", "minute"]),
        ("0 0 * FOO *", ["'foo'", "month"]),
        ("0 0 * * 1#6", ["#1 to #5"]),
        ("0 0 1-2-3 * *", ["range", "day of month"]),
        ("0 0 30 2 *", ["never occurs"]),
        ("0 0 31 4,6,9,11 *", ["never occurs"]),
        ("@reboot", ["@reboot", "not supported"]),
        ("@fortnightly", ["unknown alias", "@daily"]),
        ("H * * * *", ["hashed", "not supported"]),
        ("R 0 * * *", ["random", "minute"]),
        ("0 H(0-5) * * *", ["hashed", "hour"]),
        ("H/15 * * * *", ["hashed"]),
    ],
)
def test_a_bad_cron_expression_is_rejected_on_the_cron_field(
    expression: str, fragments: list[str]
) -> None:
    error = rejection(cron(expression))

    assert error.field == "cron"
    for fragment in fragments:
        assert fragment in error.message


@pytest.mark.parametrize(
    "expression",
    ["0 9 * JAN-DEC SUN-SAT", "0 0 30 2 1", "0 0 L * *", "0 0 15W * *", "0 0 * * 5#3", "0 9 * * 7"],
)
def test_valid_cron_expressions_pass(expression: str) -> None:
    cron(expression).validate()


def test_querying_a_bad_cron_expression_raises_invalid_schedule_too() -> None:
    with pytest.raises(InvalidSchedule) as caught:
        cron("61 * * * *").next_after(datetime(2027, 1, 1, tzinfo=UTC))

    assert caught.value.field == "cron"


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "localtime", "Europe", "../etc/passwd"])
def test_an_unknown_time_zone_is_rejected(name: str) -> None:
    error = rejection(Schedule(ScheduleSpec(kind="cron", cron="* * * * *"), timezone=name))

    assert error.field == "timezone"
    assert f"unknown time zone {name!r}" in error.message


def test_parse_timezone_returns_the_zone_or_names_the_field() -> None:
    assert parse_timezone("Europe/Rome").key == "Europe/Rome"
    with pytest.raises(InvalidSchedule) as caught:
        parse_timezone("Mars/Olympus")
    assert str(caught.value) == "timezone: unknown time zone 'Mars/Olympus'"


@pytest.mark.parametrize("seconds", [None, 0, -5, 1.5, True, "60"])
def test_an_interval_needs_a_whole_number_of_seconds_of_at_least_one(seconds: Any) -> None:
    error = rejection(Schedule(ScheduleSpec(kind="interval", every_seconds=seconds)))

    assert error.field == "every_seconds"
    assert "at least 1" in error.message


def test_a_once_schedule_needs_an_instant() -> None:
    error = rejection(Schedule(ScheduleSpec(kind="once")))

    assert error.field == "at"
    assert "instant" in error.message


def test_an_unknown_kind_is_rejected() -> None:
    error = rejection(Schedule(ScheduleSpec(kind="weekly")))

    assert error.field == "kind"
    assert "'weekly'" in error.message and "cron, calendar, interval, once" in error.message


def test_an_end_before_the_start_is_rejected_on_the_end() -> None:
    schedule = Schedule(
        ScheduleSpec(kind="interval", every_seconds=60),
        start_at=datetime(2027, 2, 1, tzinfo=UTC),
        end_at=datetime(2027, 1, 1, tzinfo=UTC),
    )

    error = rejection(schedule)

    assert error.field == "end_at"
    assert "before start_at" in error.message


@pytest.mark.parametrize("field", ["start_at", "end_at"])
def test_a_naive_window_bound_is_rejected(field: str) -> None:
    schedule = Schedule(
        ScheduleSpec(kind="interval", every_seconds=60), **{field: datetime(2027, 1, 1)}
    )

    error = rejection(schedule)

    assert error.field == field
    assert "time zone" in error.message


def test_fields_that_do_not_belong_to_the_kind_are_ignored() -> None:
    spec = ScheduleSpec(kind="interval", every_seconds=60, cron="garbage", month=13, day=99)

    Schedule(spec).validate()


def test_the_error_reads_as_field_then_message_and_is_a_value_error() -> None:
    error = rejection(cron("61 * * * *"))

    assert isinstance(error, ValueError)
    assert str(error) == f"cron: {error.message}"
