"""A reference for what a cron expression means, by Debian's rules, minute by minute.

Independent of croniter and of thx_cron: its own field reader, its own day rules, and zoneinfo
only for the zone's offsets. Slow on purpose; read it in five minutes:

- fields: `minute hour day-of-month month day-of-week [seconds [year]]`, thx-cron's order (the
  seconds are 0 when not given, a year field is 1970-2199).
- items: numbers, names, `a-b`, `*/s`, `a-b/s`, `a/s` (= `a-max/s`), lists; day of month also
  `L`, `nW` (the weekday nearest to day n, inside the month, n capped at the month's last day),
  day of week also `d#n` and `Ld`; `?` is `*`; 7 is Sunday.
- days: when either day field starts with `*` (or `?`) both must match, otherwise either.
- DST: a job whose minute or hour field starts with `*` is a wildcard job: it runs at every
  instant whose wall clock shows a matching time (both passes of a repeated time, none in a gap).
  Any other job is fixed-time: once, at the first pass of a repeated time, and a time the clock
  skips runs at the jump (the first instant whose wall clock shows a later time). The seconds
  field plays no part in that choice: every second of a skipped minute runs at the jump, once.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

NAMES = {
    3: "jan feb mar apr may jun jul aug sep oct nov dec".split(),
    4: "sun mon tue wed thu fri sat".split(),
}
LIMITS = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7), (0, 59), (1970, 2199)]
MINUTE = timedelta(minutes=1)


def values(field: str, index: int) -> set[int]:
    """The plain values of a field (L, W and # items are read by `day_matches`)."""
    low, high = LIMITS[index]
    found: set[int] = set()
    for item in field.lower().split(","):
        special_day = index == 2 and (item == "l" or item.endswith("w"))
        if special_day or index == 4 and ("#" in item or item.startswith("l")):
            continue
        base, _, step = item.partition("/")
        if base in ("*", "?"):
            first, last = low, high
        else:
            first_text, _, last_text = base.partition("-")
            first = number(first_text, index)
            last = number(last_text, index) if last_text else (high if step else first)
        found |= set(range(first, last + 1, int(step or 1)))
    return {value % 7 for value in found} if index == 4 else found


def number(text: str, index: int) -> int:
    if text == "l":
        return 31
    return NAMES[index].index(text) + (1 if index == 3 else 0) if text.isalpha() else int(text)


def day_matches(dom: str, dow: str, day: date) -> bool:
    last = monthrange(day.year, day.month)[1]
    weekday = (day.weekday() + 1) % 7  # Sunday = 0
    in_dom = day.day in values(dom, 2)
    for item in dom.lower().split(","):
        if item == "l":
            in_dom |= day.day == last
        elif item.endswith("w"):
            in_dom |= day.day == nearest_weekday(day.replace(day=min(int(item[:-1]), last)))
    in_dow = weekday in values(dow, 4)
    for item in dow.lower().split(","):
        if "#" in item:
            wanted, nth = item.split("#")
            in_dow |= weekday == number(wanted, 4) % 7 and (day.day - 1) // 7 + 1 == int(nth)
        elif item.startswith("l"):
            in_dow |= weekday == number(item[1:], 4) % 7 and day.day + 7 > last
    if dom.startswith(("*", "?")) or dow.startswith(("*", "?")):
        return in_dom and in_dow
    return in_dom or in_dow


def nearest_weekday(target: date) -> int:
    last = monthrange(target.year, target.month)[1]
    if target.weekday() == 5:  # Saturday
        return target.day - 1 if target.day > 1 else target.day + 2
    if target.weekday() == 6:  # Sunday
        return target.day + 1 if target.day < last else target.day - 2
    return target.day


def occurrences(expression: str, zone_name: str, start: datetime, end: datetime) -> list[datetime]:
    """Every instant in (start, end] at which `expression` runs in the zone, sorted."""
    zone = ZoneInfo(zone_name)
    minute, hour, dom, month, dow, *more = expression.split()
    minutes, hours, months = values(minute, 0), values(hour, 1), values(month, 3)
    seconds = sorted(values(more[0], 5)) if more else [0]
    years = values(more[1], 6) if len(more) > 1 else None
    wildcard = minute.startswith("*") or hour.startswith("*")
    found: set[datetime] = set()
    day = start.astimezone(zone).date() - timedelta(days=1)
    while day <= end.astimezone(zone).date() + timedelta(days=1):
        in_year = years is None or day.year in years
        if in_year and day.month in months and day_matches(dom, dow, day):
            for of_day in range(24 * 60):  # minute by minute over the wall-clock day
                if of_day // 60 in hours and of_day % 60 in minutes:
                    for second in seconds:
                        wall = datetime.combine(day, datetime.min.time()) + of_day * MINUTE
                        found |= instants(wall + timedelta(seconds=second), zone, wildcard)
        day += timedelta(days=1)
    return sorted(instant for instant in found if start < instant <= end)


def instants(wall: datetime, zone: ZoneInfo, wildcard: bool) -> set[datetime]:
    passes = {
        candidate
        for fold in (0, 1)
        if (candidate := wall.replace(tzinfo=zone, fold=fold).astimezone(UTC))
        .astimezone(zone)
        .replace(tzinfo=None)
        == wall
    }
    if wildcard:
        return passes
    if passes:
        return {min(passes)}
    # Skipped: walk UTC minutes from before the gap until the clock shows a later time.
    instant = wall.replace(tzinfo=zone, fold=1).astimezone(UTC).replace(second=0)
    while instant.astimezone(zone).replace(tzinfo=None) < wall:
        instant += MINUTE
    # The jump itself may fall between two whole minutes (it never does in 2020-2035).
    return {instant}
