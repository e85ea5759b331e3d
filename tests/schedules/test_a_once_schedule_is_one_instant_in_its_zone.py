"""Once schedules: a single instant, aware or wall-clock in the schedule's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from thx_cron.schedules.schedule import Schedule, ScheduleSpec


def once(at: datetime, zone: str = "UTC", **window: datetime) -> Schedule:
    return Schedule(ScheduleSpec(kind="once", at=at), timezone=zone, **window)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_an_aware_instant_runs_once_and_comes_back_in_utc() -> None:
    at = datetime(2027, 6, 1, 9, tzinfo=timezone(timedelta(hours=2)))
    schedule = once(at, "America/New_York")

    assert schedule.occurrences(utc(2027, 1, 1), 5) == [utc(2027, 6, 1, 7)]
    assert schedule.next_after(utc(2027, 1, 1)).tzinfo is UTC  # type: ignore[union-attr]


def test_a_naive_instant_is_wall_clock_time_in_the_schedules_zone() -> None:
    assert once(datetime(2027, 6, 1, 9), "Europe/Rome").next_after(utc(2027, 1, 1)) == utc(
        2027, 6, 1, 7
    )


def test_nothing_is_left_once_the_instant_has_passed() -> None:
    schedule = once(utc(2027, 6, 1, 7))

    assert schedule.next_after(utc(2027, 6, 1, 7)) is None
    assert schedule.next_after(utc(2027, 6, 1, 6, 59)) == utc(2027, 6, 1, 7)


def test_an_instant_outside_the_window_never_runs() -> None:
    schedule = once(utc(2027, 6, 1, 7), end_at=utc(2027, 5, 1))

    assert schedule.next_after(utc(2027, 1, 1)) is None
    assert schedule.latest_at_or_before(utc(2028, 1, 1), utc(2027, 1, 1)) is None


def test_latest_at_or_before_returns_the_instant_only_inside_the_range() -> None:
    schedule = once(utc(2027, 6, 1, 7))

    assert schedule.latest_at_or_before(utc(2027, 6, 1, 7), utc(2027, 1, 1)) == utc(2027, 6, 1, 7)
    assert schedule.latest_at_or_before(utc(2027, 6, 1, 6), utc(2027, 1, 1)) is None
    assert schedule.latest_at_or_before(utc(2028, 1, 1), utc(2027, 6, 1, 7)) is None
