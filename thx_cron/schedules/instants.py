"""The range of instants thx-cron accepts, and how a wall-clock time becomes one instant.

Pure logic: no Django, no settings, no clock.

Every schedule field and every datetime input is bounded to the years 1970-2199: 1970 is the Unix
epoch (interval schedules count from it and timestamps below it are not portable), 2199 is the
last year a calendar schedule or a cron year field accepts, far beyond any job's life, and well
inside what Python, PostgreSQL and SQLite store and what every time zone can be converted in (an
offset added to year 1 or 9999 overflows; nothing near 1970-2199 does).

A naive datetime is wall-clock time in a zone. Where that reading is ambiguous, one rule applies
everywhere (a once schedule's `at`, GraphQL's `at` and `after`, the admin form, the Python API),
the rule Debian's cron applies to fixed-time jobs: a wall time the clock skips (spring forward)
means the instant of the jump; a wall time the clock shows twice (fall back) means its first pass.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

FIRST_YEAR = 1970
LAST_YEAR = 2199
EARLIEST = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
# Exclusive: the first instant no longer accepted.
BEYOND = datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC)
RANGE_TEXT = f"{FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31 (UTC)"


def is_naive(value: datetime) -> bool:
    return value.tzinfo is None or value.utcoffset() is None


def range_error(value: datetime) -> str | None:
    """Return why `value` is outside the accepted range, or None when it is inside.

    A naive value is judged by its wall-clock year, an aware one by its instant in UTC.
    """
    if is_naive(value):
        inside = FIRST_YEAR <= value.year <= LAST_YEAR
    else:
        try:
            inside = EARLIEST <= value < BEYOND
        except OverflowError:  # an offset pushed year 1 or 9999 past what datetime holds
            inside = False
    return None if inside else f"must be from {RANGE_TEXT}"


def clamp(value: datetime) -> datetime:
    """Return aware `value` in UTC, moved into [EARLIEST, BEYOND] when it lies outside."""
    try:
        instant = value.astimezone(UTC)
    except OverflowError:
        return EARLIEST if value.year < 5000 else BEYOND
    return min(max(instant, EARLIEST), BEYOND)


def wall_to_instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """Return the UTC instant that naive wall-clock time `wall` means in `zone`.

    Skipped by a spring-forward: the jump. Shown twice by a fall-back: the first pass.
    `wall` must be inside the accepted range (see `range_error`).
    """
    wall = wall.replace(tzinfo=None)
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if first <= second:  # one instant, or the first of two passes
        return first
    # The clock sprang forward over `wall`: fold=1 reads it with the new offset, before the jump.
    return jump(zone, second, first)


def jump(zone: ZoneInfo, before: datetime, after: datetime) -> datetime:
    """Return the instant in [before, after] where `zone` changes its UTC offset."""
    low, high = math.floor(before.timestamp()), math.ceil(after.timestamp())
    new_offset = datetime.fromtimestamp(high, zone).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == new_offset:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)
