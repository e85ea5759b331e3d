"""DST as in Debian's cron: fixed hours run once, wildcard hours follow the wall clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from thx_cron.schedules.schedule import Schedule, ScheduleSpec

ROME = "Europe/Rome"
NEW_YORK = "America/New_York"
# The 2027 transition days.
ROME_SPRING, ROME_FALL = (2027, 3, 28), (2027, 10, 31)
NEW_YORK_SPRING, NEW_YORK_FALL = (2027, 3, 14), (2027, 11, 7)


def cron(expression: str, zone: str) -> Schedule:
    return Schedule(ScheduleSpec(kind="cron", cron=expression), timezone=zone)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def on_local_day(schedule: Schedule, zone: str, day: tuple[int, int, int]) -> list[datetime]:
    """Return the schedule's occurrences from local midnight to the next local midnight."""
    tz = ZoneInfo(zone)
    start = datetime(*day, tzinfo=tz)
    end = (datetime(*day) + timedelta(days=1)).replace(tzinfo=tz)
    return schedule.between(start - timedelta(microseconds=1), end - timedelta(microseconds=1), 500)


def test_a_daily_0230_job_runs_once_at_the_jump_on_the_spring_forward_day_in_rome() -> None:
    # 02:00 CET jumps to 03:00 CEST, which is 01:00 UTC.
    assert on_local_day(cron("30 2 * * *", ROME), ROME, ROME_SPRING) == [utc(2027, 3, 28, 1)]


def test_a_daily_0230_job_runs_once_at_the_jump_on_the_spring_forward_day_in_new_york() -> None:
    # 02:00 EST jumps to 03:00 EDT, which is 07:00 UTC.
    assert on_local_day(cron("30 2 * * *", NEW_YORK), NEW_YORK, NEW_YORK_SPRING) == [
        utc(2027, 3, 14, 7)
    ]


def test_a_daily_job_runs_once_on_the_fall_back_day_in_rome() -> None:
    # 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET): only the first counts.
    assert on_local_day(cron("30 2 * * *", ROME), ROME, ROME_FALL) == [utc(2027, 10, 31, 0, 30)]


def test_a_daily_0230_job_runs_once_on_the_fall_back_day_in_new_york() -> None:
    assert on_local_day(cron("30 2 * * *", NEW_YORK), NEW_YORK, NEW_YORK_FALL) == [
        utc(2027, 11, 7, 7, 30)
    ]


def test_a_0130_job_in_new_york_runs_exactly_once_in_the_repeated_hour() -> None:
    # 01:30 EDT is 05:30 UTC; its repeat at 01:30 EST (06:30 UTC) is skipped.
    assert on_local_day(cron("30 1 * * *", NEW_YORK), NEW_YORK, NEW_YORK_FALL) == [
        utc(2027, 11, 7, 5, 30)
    ]


def test_a_fixed_time_job_with_several_times_in_the_gap_runs_once_at_the_jump() -> None:
    assert on_local_day(cron("0,15,30,45 2 * * *", NEW_YORK), NEW_YORK, NEW_YORK_SPRING) == [
        utc(2027, 3, 14, 7)
    ]


def test_a_job_whose_minute_field_starts_with_a_star_is_a_wildcard_job_as_in_debian() -> None:
    # Debian looks at the minute and the hour: `*/15 2` is skipped with the missing hour ...
    assert on_local_day(cron("*/15 2 * * *", NEW_YORK), NEW_YORK, NEW_YORK_SPRING) == []
    # ... and `* 1` runs at both passes of the repeated hour: 120 times.
    assert len(on_local_day(cron("* 1 * * *", NEW_YORK), NEW_YORK, NEW_YORK_FALL)) == 120


@pytest.mark.parametrize(("zone", "day"), [(ROME, ROME_SPRING), (NEW_YORK, NEW_YORK_SPRING)])
def test_an_hourly_wildcard_job_skips_the_missing_hour_in_spring(
    zone: str, day: tuple[int, int, int]
) -> None:
    runs = on_local_day(cron("30 * * * *", zone), zone, day)
    local_hours = [run.astimezone(ZoneInfo(zone)).hour for run in runs]

    assert local_hours == [0, 1, *range(3, 24)]


@pytest.mark.parametrize(
    ("zone", "day", "repeated"),
    [
        (ROME, ROME_FALL, [utc(2027, 10, 31, 0, 30), utc(2027, 10, 31, 1, 30)]),
        (NEW_YORK, NEW_YORK_FALL, [utc(2027, 11, 7, 5, 30), utc(2027, 11, 7, 6, 30)]),
    ],
)
def test_an_hourly_wildcard_job_runs_twice_in_the_repeated_hour_in_fall(
    zone: str, day: tuple[int, int, int], repeated: list[datetime]
) -> None:
    runs = on_local_day(cron("30 * * * *", zone), zone, day)

    assert len(runs) == 25
    assert set(repeated) <= set(runs)
    assert all(later - earlier == timedelta(hours=1) for earlier, later in pairwise(runs))


@pytest.mark.parametrize(
    ("zone", "day", "count"),
    [
        (NEW_YORK, NEW_YORK_SPRING, 92),
        (NEW_YORK, NEW_YORK_FALL, 100),
        (ROME, ROME_SPRING, 92),
        (ROME, ROME_FALL, 100),
        (NEW_YORK, (2027, 6, 1), 96),
    ],
)
def test_a_quarter_hourly_job_follows_the_length_of_the_day(
    zone: str, day: tuple[int, int, int], count: int
) -> None:
    runs = on_local_day(cron("*/15 * * * *", zone), zone, day)

    assert len(runs) == count
    assert len(set(runs)) == count
    assert runs == sorted(runs)


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        # 01:40 EDT, the first pass: the next run is 01:30 EST, in the second pass.
        (utc(2027, 11, 7, 5, 40), utc(2027, 11, 7, 6, 30)),
        # 01:40 EST, the second pass: the next run is 02:30 EST.
        (utc(2027, 11, 7, 6, 40), utc(2027, 11, 7, 7, 30)),
        # 01:30 EST exactly: strictly after it.
        (utc(2027, 11, 7, 6, 30), utc(2027, 11, 7, 7, 30)),
    ],
)
def test_next_after_works_from_inside_the_repeated_hour(
    after: datetime, expected: datetime
) -> None:
    assert cron("30 * * * *", NEW_YORK).next_after(after) == expected


@pytest.mark.parametrize(
    "expression", ["30 * * * *", "*/15 * * * *", "30 1 * * *", "30 2 * * *", "*/10 1-2 * * *"]
)
@pytest.mark.parametrize(("zone", "day"), [(NEW_YORK, NEW_YORK_FALL), (NEW_YORK, NEW_YORK_SPRING)])
def test_every_query_agrees_with_the_full_list_around_a_transition(
    expression: str, zone: str, day: tuple[int, int, int]
) -> None:
    schedule = cron(expression, zone)
    around = datetime(*day, tzinfo=UTC) - timedelta(hours=6)
    runs = schedule.between(around, around + timedelta(hours=48), 500)

    for minutes in range(0, 20 * 60, 5):
        moment = around + timedelta(minutes=minutes)
        following = [run for run in runs if run > moment]
        preceding = [run for run in runs if around < run <= moment]
        assert schedule.next_after(moment) == following[0]
        assert schedule.latest_at_or_before(moment, around) == (
            preceding[-1] if preceding else None
        )


def test_a_naive_once_time_runs_at_the_jump_if_skipped_and_at_the_first_pass_if_repeated() -> None:
    def once(at: datetime) -> Schedule:
        return Schedule(ScheduleSpec(kind="once", at=at), timezone=ROME)

    assert once(datetime(2027, 3, 28, 2, 30)).next_after(utc(2027, 1, 1)) == utc(2027, 3, 28, 1)
    assert once(datetime(2027, 10, 31, 2, 30)).next_after(utc(2027, 1, 1)) == utc(
        2027, 10, 31, 0, 30
    )
