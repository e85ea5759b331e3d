"""Read, check, iterate and describe cron expressions over naive wall-clock times.

Expressions use croniter's grammar: 5 fields (minute hour day-of-month month day-of-week), an
optional 6th for seconds and 7th for the year (croniter's default order, seconds after the day of
week), `L`, `W`, `#`, and the aliases `@yearly @annually @monthly @weekly @daily @midnight @hourly`.
Calendar fields are translated into the same grammar. Everything here works on naive wall-clock
datetimes: mapping them to instants (and so DST) is the job of `thx_cron.schedule`.
"""

from __future__ import annotations

import re
from calendar import isleap
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from cron_descriptor import ExpressionDescriptor, Options
from croniter import CroniterBadDateError, CroniterError, croniter

ALIASES = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}

# (name in messages, lowest value, highest value), in croniter's field order.
_FIELDS = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 7),
    ("seconds", 0, 59),
    ("year", 1970, 2099),
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_NAMES = {3: frozenset(_MONTHS), 4: frozenset(_WEEKDAYS)}
_NUMBER = re.compile(r"[0-9]+")
_HASHED = re.compile(r"[hr](\([0-9]+-[0-9]+\))?(/[0-9]+)?")
_NEAREST_WEEKDAY = re.compile(r"([0-9]+)w|w([0-9]+)")
_CALENDAR_RANGES = {
    "year": (1970, 2199),
    "month": (1, 12),
    "day": (1, 31),
    "hour": (0, 23),
    "minute": (0, 59),
    "weekday": (0, 6),
}
# English names, fixed: calendar.month_name would follow the host's locale.
_MONTH_NAMES = tuple(
    "January February March April May June July August September October November December".split()
)
_LONGEST_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# Wide enough to reach any year a calendar schedule accepts (1970-2199) in one search.
_MAX_YEARS = 230


class CronError(ValueError):
    """Raised with a human message when an expression or calendar fields cannot be used."""

    def __init__(self, message: str, field: str = "cron") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class CronExpression:
    """A checked expression in croniter's syntax, with what the DST rules need to know about it."""

    text: str
    wildcard_hour: bool
    # Cron ORs a restricted day of month with a restricted day of week; calendar schedules AND them.
    day_or: bool = True


class _Croniter(croniter):
    """croniter that also reaches the years 2100-2199 that calendar schedules accept."""

    RANGES = (*croniter.RANGES[:6], (1970, 2199))
    LEN_MEANS_ALL = (*croniter.LEN_MEANS_ALL[:6], 230)


@lru_cache(maxsize=1024)
def parse_cron(text: str) -> CronExpression:
    """Check `text` and return it as a CronExpression, raising CronError naming what is wrong."""
    expression = text.strip().lower()
    if not expression:
        raise CronError("the expression is empty")
    if expression.startswith("@"):
        if expression == "@reboot":
            raise CronError("@reboot is not supported: it names a system start, not a time")
        if expression not in ALIASES:
            raise CronError(f"unknown alias '{text.strip()}', expected one of {', '.join(ALIASES)}")
        expression = ALIASES[expression]
    fields = expression.split()
    if len(fields) not in (5, 6, 7):
        raise CronError(
            "expected 5 fields (minute hour day-of-month month day-of-week), 6 (+ seconds) "
            f"or 7 (+ seconds and year), got {len(fields)}"
        )
    for index, field in enumerate(fields):
        for item in field.split(","):
            _check_item(item, index)
    normalized = " ".join(fields)
    try:
        croniter.expand(normalized)
    except CroniterError as exc:
        # Our own checks catch the common mistakes with better words; this is the backstop.
        raise CronError(f"'{text.strip()}' is not a valid cron expression ({exc})") from None
    return CronExpression(normalized, wildcard_hour=fields[1].startswith("*"))


def _check_item(item: str, index: int) -> None:
    """Raise CronError if one comma-separated item of field `index` is malformed or out of range."""
    name, low, high = _FIELDS[index]
    if not item:
        raise CronError(f"empty value in the {name} field")
    if _HASHED.fullmatch(item):
        raise CronError(
            f"'{item.upper()}' in the {name} field: "
            "hashed (H) and random (R) values are not supported"
        )
    base, slash, step = item.partition("/")
    if slash and (not _NUMBER.fullmatch(step) or int(step) < 1):
        raise CronError(f"step '{step}' in the {name} field must be a whole number of at least 1")
    if base == "*" or (base == "?" and index in (2, 4)) or (index == 2 and base == "l"):
        return
    if index == 2 and (match := _NEAREST_WEEKDAY.fullmatch(base)):
        base = match.group(1) or match.group(2)
    if index == 4 and "#" in base:
        base, _, nth = base.partition("#")
        if not _NUMBER.fullmatch(nth) or not 1 <= int(nth) <= 5:
            raise CronError(f"'#{nth}' in the day of week field must be #1 to #5")
    elif index == 4 and base.startswith("l"):
        base = base[1:]  # croniter writes "last Friday of the month" as L5
    bounds = base.split("-")
    if len(bounds) > 2:
        raise CronError(f"'{item}' is not a valid range in the {name} field")
    for position, bound in enumerate(bounds):
        if bound in _NAMES.get(index, ()) or (index == 2 and bound == "l" and position == 1):
            continue
        if not _NUMBER.fullmatch(bound):
            raise CronError(f"'{bound}' is not a valid value in the {name} field")
        if not low <= int(bound) <= high:
            raise CronError(f"{int(bound)} is out of range {low}-{high} in the {name} field")


def calendar_expression(
    *,
    year: int | None,
    month: int | None,
    day: int | None,
    hour: int | None,
    minute: int | None,
    weekday: int | None,
) -> CronExpression:
    """Check calendar fields and translate them into an expression (see `thx_cron.schedule`)."""
    values = {"year": year, "month": month, "day": day, "hour": hour, "minute": minute}
    for name, value in {**values, "weekday": weekday}.items():
        low, high = _CALENDAR_RANGES[name]
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise CronError(f"must be a whole number, got {value!r}", field=name)
        if not low <= value <= high:
            raise CronError(f"{value} is out of range {low}-{high}", field=name)
    if month is not None and day is not None:
        leap = year is None or isleap(year)
        if day > (28 if month == 2 and not leap else _LONGEST_MONTH[month - 1]):
            when = f"{_MONTH_NAMES[month - 1]} {day}" + (f", {year}" if year is not None else "")
            raise CronError(f"{when} never occurs", field="calendar")
    # APScheduler's rule: below the least significant given field, minimums; above it, "every".
    # A weekday counts as a day; with nothing given at all, everything means "every".
    levels = (year, month, day if day is not None else weekday, hour, minute)
    least = max((level for level, value in enumerate(levels) if value is not None), default=-1)

    def field(value: int | None, level: int, minimum: int) -> str:
        if value is not None:
            return str(value)
        return str(minimum) if 0 <= least < level else "*"

    hour_field = field(hour, 3, 0)
    fields = [field(minute, 4, 0), hour_field, field(day, 2, 1), field(month, 1, 1)]
    # Cron counts weekdays from Sunday, Python from Monday.
    fields.append("*" if weekday is None else str((weekday + 1) % 7))
    if year is not None:
        fields += ["0", str(year)]
    return CronExpression(" ".join(fields), wildcard_hour=hour_field == "*", day_or=False)


def walls(
    expression: CronExpression, start: datetime, *, backward: bool = False
) -> Iterator[datetime]:
    """Yield the naive wall times matching `expression`, strictly after `start` (or before it)."""
    iterator = _Croniter(
        expression.text, start, day_or=expression.day_or, max_years_between_matches=_MAX_YEARS
    )
    step = iterator.get_prev if backward else iterator.get_next
    while True:
        try:
            wall: datetime = step(datetime)
        except CroniterBadDateError:
            return
        yield wall


def describe_cron(text: str) -> str:
    """Return an English description of an expression in croniter's syntax."""
    fields = text.upper().split()
    seconds = fields[5] if len(fields) > 5 else "0"
    year = fields[6] if len(fields) > 6 else "*"
    # cron-descriptor reads Quartz order (seconds first, year last) and writes "last Friday" as 5L.
    weekday = re.sub(r"^L([0-7])$", r"\1L", fields[4])
    quartz = " ".join([seconds, *fields[:4], weekday, year])
    try:
        return str(ExpressionDescriptor(quartz, _english()).get_description())
    except Exception:  # a preview must not fail for want of words
        return f"cron '{text}'"


def _english() -> Options:
    """Return cron-descriptor options for English with AM/PM, whatever the host's locale."""
    try:
        return Options(locale_code="en_US", use_24hour_time_format=False)
    except TypeError:  # cron-descriptor 1.x takes no arguments (the project allows >= 1.4)
        options = Options()
        options.locale_code = "en_US"
        options.use_24hour_time_format = False
        return options
