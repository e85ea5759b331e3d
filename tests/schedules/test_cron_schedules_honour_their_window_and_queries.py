"""Cron schedules: syntax croniter reads, windows, and the query methods."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from thx_cron.schedules.schedule import Schedule, ScheduleSpec


def cron(expression: str, zone: str = "UTC", **window: datetime) -> Schedule:
    return Schedule(ScheduleSpec(kind="cron", cron=expression), timezone=zone, **window)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_a_weekday_job_runs_at_nine_local_time_on_weekdays_only() -> None:
    schedule = cron("0 9 * * 1-5", "Europe/Rome")

    # Friday 2027-03-05 noon: the next runs are Monday to Wednesday at 09:00 CET (08:00 UTC).
    assert schedule.occurrences(utc(2027, 3, 5, 12), 3) == [
        utc(2027, 3, 8, 8),
        utc(2027, 3, 9, 8),
        utc(2027, 3, 10, 8),
    ]


def test_next_after_is_strictly_after_the_given_instant() -> None:
    assert cron("0 9 * * *").next_after(utc(2027, 1, 1, 9)) == utc(2027, 1, 2, 9)


def test_occurrences_come_back_in_utc_whatever_zone_the_input_uses() -> None:
    after = datetime(2027, 1, 1, 18, tzinfo=ZoneInfo("Asia/Tokyo"))  # 09:00 UTC

    occurrence = cron("30 9 * * *").next_after(after)

    assert occurrence == utc(2027, 1, 1, 9, 30)
    assert occurrence is not None and occurrence.tzinfo is UTC


@pytest.mark.parametrize(
    "call",
    [
        lambda s, naive: s.next_after(naive),
        lambda s, naive: s.occurrences(naive, 1),
        lambda s, naive: s.between(naive, utc(2030, 1, 1), 1),
        lambda s, naive: s.between(utc(2027, 1, 1), naive, 1),
        lambda s, naive: s.latest_at_or_before(naive, utc(2020, 1, 1)),
        lambda s, naive: s.latest_at_or_before(utc(2028, 1, 1), naive),
    ],
)
def test_a_naive_instant_is_refused(call: Callable[[Schedule, datetime], object]) -> None:
    with pytest.raises(ValueError, match="aware"):
        call(cron("* * * * *"), datetime(2027, 1, 1))


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("@yearly", utc(2028, 1, 1)),
        ("@annually", utc(2028, 1, 1)),
        ("@monthly", utc(2027, 4, 1)),
        ("@weekly", utc(2027, 3, 14)),  # the next Sunday
        ("@daily", utc(2027, 3, 11)),
        ("@midnight", utc(2027, 3, 11)),
        ("@hourly", utc(2027, 3, 10, 11)),
        ("@DAILY", utc(2027, 3, 11)),
    ],
)
def test_an_alias_runs_like_its_five_field_expansion(alias: str, expected: datetime) -> None:
    # Wednesday 2027-03-10 10:20 UTC
    assert cron(alias).next_after(utc(2027, 3, 10, 10, 20)) == expected


def test_l_in_the_day_field_means_the_last_day_of_each_month() -> None:
    assert cron("0 0 L * *").occurrences(utc(2028, 2, 1), 2) == [utc(2028, 2, 29), utc(2028, 3, 31)]


def test_w_moves_a_saturday_to_the_friday_before_and_the_first_to_the_monday_after() -> None:
    # 2027-05-15 and 2027-05-01 are Saturdays.
    assert cron("0 0 15W * *").next_after(utc(2027, 5, 1)) == utc(2027, 5, 14)
    assert cron("0 0 1W * *").next_after(utc(2027, 4, 30)) == utc(2027, 5, 3)


def test_hash_picks_the_nth_weekday_and_l_the_last_one() -> None:
    assert cron("0 0 * * 1#2").next_after(utc(2027, 3, 1)) == utc(2027, 3, 8)
    assert cron("0 0 * * L5").next_after(utc(2027, 3, 1)) == utc(2027, 3, 26)


def test_a_sixth_field_gives_the_seconds() -> None:
    assert cron("0 9 * * * 30").next_after(utc(2027, 1, 1)) == utc(2027, 1, 1, 9, 0, 30)
    assert cron("* * * * * */20").occurrences(utc(2027, 1, 1, 12), 4) == [
        utc(2027, 1, 1, 12, 0, 20),
        utc(2027, 1, 1, 12, 0, 40),
        utc(2027, 1, 1, 12, 1, 0),
        utc(2027, 1, 1, 12, 1, 20),
    ]


def test_a_seventh_field_limits_the_years() -> None:
    schedule = cron("0 9 1 1 * 0 2030")

    assert schedule.occurrences(utc(2027, 6, 1), 5) == [utc(2030, 1, 1, 9)]
    assert schedule.next_after(utc(2030, 1, 1, 9)) is None


def test_day_of_month_and_day_of_week_are_ored_as_in_cron() -> None:
    # The 13th, or any Friday: Friday 2027-08-06 comes before Friday the 13th.
    assert cron("0 0 13 * 5").occurrences(utc(2027, 8, 1), 3) == [
        utc(2027, 8, 6),
        utc(2027, 8, 13),
        utc(2027, 8, 20),
    ]


def test_seven_and_zero_both_mean_sunday_and_names_are_accepted() -> None:
    after = utc(2027, 3, 10)
    sundays = cron("0 0 * * 0").occurrences(after, 3)

    assert cron("0 0 * * 7").occurrences(after, 3) == sundays
    assert cron("0 0 * * SUN").occurrences(after, 3) == sundays
    assert cron("0 9 1 JAN-MAR *").next_after(utc(2027, 3, 10)) == utc(2028, 1, 1, 9)


def test_the_window_keeps_occurrences_between_start_and_end_inclusive() -> None:
    schedule = cron("0 * * * *", start_at=utc(2027, 1, 1, 11), end_at=utc(2027, 1, 1, 13))

    assert schedule.between(utc(2026, 1, 1), utc(2028, 1, 1), 100) == [
        utc(2027, 1, 1, 11),
        utc(2027, 1, 1, 12),
        utc(2027, 1, 1, 13),
    ]
    assert schedule.next_after(utc(2027, 1, 1, 13)) is None


def test_between_returns_the_earliest_occurrences_up_to_the_limit_and_includes_until() -> None:
    schedule = cron("*/10 * * * *")

    assert schedule.between(utc(2027, 1, 1), utc(2027, 1, 1, 0, 30), 10) == [
        utc(2027, 1, 1, 0, 10),
        utc(2027, 1, 1, 0, 20),
        utc(2027, 1, 1, 0, 30),
    ]
    assert schedule.between(utc(2027, 1, 1), utc(2027, 1, 2), 2) == [
        utc(2027, 1, 1, 0, 10),
        utc(2027, 1, 1, 0, 20),
    ]
    assert schedule.between(utc(2027, 1, 1), utc(2027, 1, 1, 0, 9), 10) == []


def test_latest_at_or_before_returns_the_last_occurrence_in_the_range() -> None:
    schedule = cron("0 9 * * *", "Europe/Rome")

    assert schedule.latest_at_or_before(utc(2027, 3, 10, 12), utc(2027, 3, 1)) == utc(
        2027, 3, 10, 8
    )
    # The range is (after, moment]: the moment itself counts, `after` does not.
    assert schedule.latest_at_or_before(utc(2027, 3, 10, 8), utc(2027, 3, 1)) == utc(2027, 3, 10, 8)
    assert schedule.latest_at_or_before(utc(2027, 3, 10, 8), utc(2027, 3, 10, 8)) is None
    assert schedule.latest_at_or_before(utc(2027, 3, 10, 7), utc(2027, 3, 9, 8)) is None


def test_latest_at_or_before_respects_the_window() -> None:
    schedule = cron("0 * * * *", start_at=utc(2027, 1, 1, 10, 30), end_at=utc(2027, 1, 1, 13, 30))

    assert schedule.latest_at_or_before(utc(2027, 6, 1), utc(2026, 1, 1)) == utc(2027, 1, 1, 13)
    assert schedule.latest_at_or_before(utc(2027, 1, 1, 10, 45), utc(2026, 1, 1)) is None


@pytest.mark.timeout(5)
def test_latest_at_or_before_over_a_year_of_every_second_occurrences_is_immediate() -> None:
    # Walking forward would take 31 million steps; the answer is the last second before `moment`.
    schedule = cron("* * * * * *", "Europe/Rome")

    latest = schedule.latest_at_or_before(utc(2028, 1, 1, 0, 0, 0, 500_000), utc(2027, 1, 1))

    assert latest == utc(2028, 1, 1)


@pytest.mark.timeout(5)
def test_latest_at_or_before_finds_a_rare_occurrence_far_back() -> None:
    schedule = cron("0 0 29 2 *")

    assert schedule.latest_at_or_before(utc(2099, 1, 1), utc(1990, 1, 1)) == utc(2096, 2, 29)


def test_a_schedule_after_its_last_year_has_no_next_occurrence() -> None:
    assert cron("0 0 1 1 * 0 2027").next_after(utc(2027, 1, 1)) is None
    assert cron("0 0 1 1 * 0 2027").latest_at_or_before(utc(2030, 1, 1), utc(2000, 1, 1)) == utc(
        2027, 1, 1
    )


def test_consecutive_next_after_calls_walk_the_same_series_as_occurrences() -> None:
    schedule = cron("*/7 9-10 * * 1-5", "Europe/Rome")
    series = schedule.occurrences(utc(2027, 3, 5), 40)

    walked = [utc(2027, 3, 5)]
    for _ in range(40):
        following = schedule.next_after(walked[-1])
        assert following is not None
        walked.append(following)

    assert walked[1:] == series
