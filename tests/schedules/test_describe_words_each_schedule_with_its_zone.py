"""describe() words each kind of schedule for people, naming its time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from cron_descriptor import Options

from thx_cron.schedules import cron_words as cron_module
from thx_cron.schedules.schedule import Schedule, ScheduleSpec


def describe(zone: str = "UTC", **spec: Any) -> str:
    return Schedule(ScheduleSpec(**spec), timezone=zone).describe()


@pytest.mark.parametrize(
    ("expression", "zone", "expected"),
    [
        ("0 9 * * 1-5", "Europe/Rome", "At 09:00 AM, Monday through Friday (Europe/Rome)"),
        ("@daily", "UTC", "At 12:00 AM (UTC)"),
        ("*/15 * * * *", "UTC", "Every 15 minutes (UTC)"),
        ("0 0 * * L5", "UTC", "At 12:00 AM, on the last Friday of the month (UTC)"),
        ("0 9 * * * 30", "UTC", "At 09:00:30 AM (UTC)"),
        (
            "0 9 1 1 * 0 2030",
            "UTC",
            "At 09:00 AM, on day 1 of the month, only in January, only in 2030 (UTC)",
        ),
    ],
)
def test_a_cron_schedule_is_described_by_cron_descriptor(
    expression: str, zone: str, expected: str
) -> None:
    assert describe(zone, kind="cron", cron=expression) == expected


def test_a_calendar_schedule_is_described_from_its_effective_fields() -> None:
    assert describe("Europe/Rome", kind="calendar", hour=9) == "At 09:00 AM (Europe/Rome)"
    assert describe(kind="calendar", weekday=0, hour=9) == "At 09:00 AM, only on Monday (UTC)"


def test_a_calendar_day_and_weekday_are_described_as_both_holding() -> None:
    text = describe(kind="calendar", day=13, weekday=4, hour=9)

    assert text == "At 09:00 AM, on day 13 of the month, only on Friday (UTC)"


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (1, "Every second"),
        (30, "Every 30 seconds"),
        (90, "Every 90 seconds"),
        (900, "Every 15 minutes"),
        (3600, "Every hour"),
        (172800, "Every 2 days"),
    ],
)
def test_an_interval_is_described_in_its_largest_whole_unit(seconds: int, expected: str) -> None:
    assert describe(kind="interval", every_seconds=seconds) == f"{expected} (UTC)"


def test_a_once_schedule_shows_its_wall_clock_time_in_the_zone() -> None:
    assert describe("Europe/Rome", kind="once", at=datetime(2027, 1, 1, 9)) == (
        "Once, at 2027-01-01 09:00 (Europe/Rome)"
    )
    assert describe("Europe/Rome", kind="once", at=datetime(2027, 1, 1, 8, tzinfo=UTC)) == (
        "Once, at 2027-01-01 09:00 (Europe/Rome)"
    )


def test_the_window_is_part_of_the_description() -> None:
    schedule = Schedule(
        ScheduleSpec(kind="interval", every_seconds=60),
        timezone="Europe/Rome",
        start_at=datetime(2027, 1, 1, 8, tzinfo=UTC),
        end_at=datetime(2027, 1, 2, 8, tzinfo=UTC),
    )

    assert schedule.describe() == (
        "Every minute, from 2027-01-01 09:00, until 2027-01-02 09:00 (Europe/Rome)"
    )


def test_a_cron_expression_that_cannot_be_worded_is_shown_as_it_is(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: object) -> None:
        raise ValueError("cannot word it")

    monkeypatch.setattr(cron_module, "ExpressionDescriptor", refuse)

    assert describe(kind="cron", cron="0 9 * * *") == "cron '0 9 * * *' (UTC)"


def test_descriptions_stay_english_with_cron_descriptor_1_options(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class OptionsFromOneDotX(Options):
        """cron-descriptor 1.x: no arguments, language and clock taken from the host's locale."""

        def __init__(self) -> None:
            super().__init__(locale_code="de_DE", use_24hour_time_format=True)

    monkeypatch.setattr(cron_module, "Options", OptionsFromOneDotX)

    assert describe(kind="cron", cron="0 21 * * *") == "At 09:00 PM (UTC)"
