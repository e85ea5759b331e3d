"""Interval schedules: every N seconds from start_at (or the epoch), in plain UTC arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from thx_cron.schedules.schedule import Schedule, ScheduleSpec


def every(seconds: int, zone: str = "UTC", **window: datetime) -> Schedule:
    return Schedule(ScheduleSpec(kind="interval", every_seconds=seconds), timezone=zone, **window)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_an_interval_counts_from_its_start() -> None:
    schedule = every(90, start_at=utc(2027, 1, 1, 0, 0, 10))

    # 00:00:10 + 90 s steps: ..., 00:04:40, 00:06:10, 00:07:40
    assert schedule.occurrences(utc(2027, 1, 1, 0, 5), 2) == [
        utc(2027, 1, 1, 0, 6, 10),
        utc(2027, 1, 1, 0, 7, 40),
    ]


def test_the_start_itself_is_the_first_occurrence() -> None:
    schedule = every(60, start_at=utc(2027, 1, 1, 12))

    assert schedule.next_after(utc(2020, 1, 1)) == utc(2027, 1, 1, 12)
    assert schedule.next_after(utc(2027, 1, 1, 12)) == utc(2027, 1, 1, 12, 1)


def test_without_a_start_an_interval_counts_from_the_unix_epoch() -> None:
    occurrence = every(7).next_after(utc(2027, 1, 1))

    assert occurrence is not None
    assert (occurrence - datetime(1970, 1, 1, tzinfo=UTC)) % timedelta(seconds=7) == timedelta(0)
    assert timedelta(0) < occurrence - utc(2027, 1, 1) <= timedelta(seconds=7)


def test_an_interval_keeps_sub_second_anchors() -> None:
    start = datetime(2027, 1, 1, 0, 0, 0, 250_000, tzinfo=UTC)

    assert every(1, start_at=start).next_after(utc(2027, 1, 1, 0, 0, 5)) == start + timedelta(
        seconds=5
    )


def test_an_hourly_interval_ignores_daylight_saving_time() -> None:
    schedule = every(3600, "Europe/Rome", start_at=utc(2027, 3, 27, 0, 15))

    runs = schedule.between(utc(2027, 3, 27, 12), utc(2027, 3, 28, 12), 100)

    assert len(runs) == 24
    assert all(later - earlier == timedelta(hours=1) for earlier, later in pairwise(runs))


def test_an_interval_stops_at_its_end() -> None:
    schedule = every(600, start_at=utc(2027, 1, 1), end_at=utc(2027, 1, 1, 0, 25))

    assert schedule.occurrences(utc(2026, 1, 1), 10) == [
        utc(2027, 1, 1),
        utc(2027, 1, 1, 0, 10),
        utc(2027, 1, 1, 0, 20),
    ]


@pytest.mark.timeout(5)
def test_next_after_far_from_the_anchor_is_arithmetic_not_iteration() -> None:
    schedule = every(1, start_at=utc(1970, 1, 1))

    assert schedule.next_after(utc(2099, 6, 1, 12, 0, 0)) == utc(2099, 6, 1, 12, 0, 1)


def test_latest_at_or_before_finds_the_last_step_in_the_range() -> None:
    schedule = every(300, start_at=utc(2027, 1, 1))

    assert schedule.latest_at_or_before(utc(2027, 1, 1, 1, 7), utc(2026, 1, 1)) == utc(
        2027, 1, 1, 1, 5
    )
    assert schedule.latest_at_or_before(utc(2027, 1, 1, 1, 5), utc(2026, 1, 1)) == utc(
        2027, 1, 1, 1, 5
    )
    assert schedule.latest_at_or_before(utc(2027, 1, 1, 1, 7), utc(2027, 1, 1, 1, 5)) is None
    assert schedule.latest_at_or_before(utc(2026, 12, 31), utc(2020, 1, 1)) is None
