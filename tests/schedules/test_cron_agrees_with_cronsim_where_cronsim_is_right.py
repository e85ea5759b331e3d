"""cronsim (healthchecks' cron library) as a second peer; where it disagrees, the reference decides.

Documented disagreements, each checked below rather than skipped:
- cronsim loses runs across Australia/Lord_Howe's 30-minute fall-back with hour-stepping
  expressions (`0 */2 * * *` skips 02:00 +10:30 on 2027-04-04); thx-cron and the reference run it.
- cronsim refuses `nW` for days it cannot place in every month (`31W`); thx-cron reads it as the
  weekday nearest to the month's last day when the month is shorter, as croniter does.
- cronsim writes "last Friday" as `5L`; thx-cron as `L5` (translated here).
- cronsim's seconds field comes first (`s m h dom mon dow`), thx-cron's after the day of week
  (translated here), and cronsim applies no DST rule of Debian's to 6-field expressions (every
  one runs as a wildcard job would); thx-cron keeps Debian's rule for them (the minute and hour
  decide), so a fixed-time 6-field expression may differ across a transition, and the reference
  decides. cronsim has no year field: the reference alone judges it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from itertools import takewhile
from zoneinfo import ZoneInfo

from cronsim import CronSim, CronSimError
from hypothesis import HealthCheck, assume, given, settings

from tests.schedules import expressions as ex
from tests.schedules import reference
from tests.schedules.test_cron_agrees_with_the_debian_reference import around_a_transition
from thx_cron.schedules.schedule import Schedule, ScheduleSpec

KNOWN_CRONSIM_DST_BUG = {"Australia/Lord_Howe"}


def cronsim_between(expression: str, zone: str, start: datetime, end: datetime) -> list[datetime]:
    text = re.sub(r"(?i)\bL([0-7])\b", r"\1L", expression)
    fields = text.split()
    if len(fields) == 6:  # seconds first
        text = " ".join([fields[5], *fields[:5]])
    iterator = CronSim(text, start.astimezone(ZoneInfo(zone)))
    return [moment.astimezone(UTC) for moment in takewhile(lambda m: m <= end, iterator)]


def thx(expression: str, zone: str, start: datetime, end: datetime) -> list[datetime]:
    return Schedule(ScheduleSpec(kind="cron", cron=expression), timezone=zone).between(
        start, end, 100_000
    )


def compare(expression: str, zone: str, start: datetime, end: datetime) -> None:
    try:
        peer = cronsim_between(expression, zone, start, end)
    except CronSimError:
        assume(False)  # outside cronsim's grammar (see the module docstring)
        return
    ours = thx(expression, zone, start, end)
    if ours != peer:
        minute, hour, *_, seconds = expression.split()
        fixed_time_with_seconds = len(expression.split()) == 6 and "*" not in minute[:1] + hour[:1]
        assert zone in KNOWN_CRONSIM_DST_BUG or fixed_time_with_seconds, (expression, zone, start)
        assert ours == reference.occurrences(expression, zone, start, end)


@settings(
    derandomize=True, max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(minute=ex.minutes, hour=ex.hours, where=around_a_transition())
def test_times_around_transitions_agree_with_cronsim_or_the_reference_explains_why(
    minute: str, hour: str, where: tuple[str, datetime]
) -> None:
    zone, start = where
    compare(f"{minute} {hour} * * *", zone, start, start + timedelta(days=2))


@settings(
    derandomize=True, max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    day=ex.day_of_month,
    month=ex.months,
    weekday=ex.day_of_week,
)
def test_day_rules_agree_with_cronsim(day: str, month: str, weekday: str) -> None:
    start = datetime(2027, 1, 1, tzinfo=UTC)
    compare(f"0 12 {day} {month} {weekday}", "Europe/Dublin", start, start + timedelta(days=400))


def test_cronsim_s_lord_howe_bug_is_real_and_the_reference_sides_with_thx_cron() -> None:
    zone, start = "Australia/Lord_Howe", datetime(2027, 4, 3, 9, tzinfo=UTC)
    end = start + timedelta(days=1)
    ours = thx("0 */2 * * *", zone, start, end)

    assert ours != cronsim_between("0 */2 * * *", zone, start, end)
    assert ours == reference.occurrences("0 */2 * * *", zone, start, end)


@settings(
    derandomize=True, max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(minute=ex.minutes, hour=ex.hours, seconds=ex.seconds, where=around_a_transition())
def test_a_seconds_field_agrees_with_cronsim_or_the_reference_explains_why(
    minute: str, hour: str, seconds: str, where: tuple[str, datetime]
) -> None:
    zone, start = where
    compare(f"{minute} {hour} * * * {seconds}", zone, start, start + timedelta(days=2))


def test_cronsim_runs_a_fixed_time_6_field_job_as_a_wildcard_one_the_reference_does_not() -> None:
    zone, start = "America/New_York", datetime(2027, 3, 14, 5, tzinfo=UTC)
    end = start + timedelta(hours=4)
    ours = thx("30 2 * * * 15", zone, start, end)

    assert cronsim_between("30 2 * * * 15", zone, start, end) == []  # skipped, as a wildcard
    assert ours == reference.occurrences("30 2 * * * 15", zone, start, end)
    assert ours == [datetime(2027, 3, 14, 7, tzinfo=UTC)]
