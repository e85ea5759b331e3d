"""Read and check cron expressions, and normalise them before croniter sees them.

Pure logic over naive wall-clock times; mapping them to instants (and so DST) is the job of
`thx_cron.schedules.schedule`. The grammar is specified in docs/schedules.md ("Cron expressions"): 5
fields (minute hour day-of-month month day-of-week), an optional 6th for seconds and 7th for the
year, `L`, `W`, `#`, names, and the aliases `@yearly @annually @monthly @weekly @daily @midnight
@hourly`.

croniter stays the engine, but its reading of some forms changed between versions (an equal
range `13-13` is the whole field from croniter 5 on, day-of-week steps, `#` with a restricted day
of month), so thx-cron decides the meaning here: every field becomes an explicit list of values,
the day-of-month/day-of-week rule (OR only when neither field starts with `*`) is applied by
splitting the expression into streams that croniter only ever reads one day field of (see
`thx_cron.schedules.cron_walls`), and forms whose meaning is unclear are refused with the field
named.
"""

from __future__ import annotations

import re
from calendar import isleap
from dataclasses import dataclass
from functools import lru_cache

from thx_cron.schedules.cron_walls import CronExpression, Stream, compile_streams
from thx_cron.schedules.cron_words import describe_cron
from thx_cron.schedules.instants import FIRST_YEAR, LAST_YEAR
from thx_cron.security.limits import shown

__all__ = ["CronError", "CronExpression", "calendar_expression", "describe_cron", "parse_cron"]

MAX_LENGTH = 200  # the model's column; longer text is refused before it is read
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
    ("year", FIRST_YEAR, LAST_YEAR),
)
_MONTH, _DOM, _DOW = 3, 2, 4
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_NAMES = {
    _MONTH: {name: number + 1 for number, name in enumerate(_MONTHS)},
    _DOW: {name: number for number, name in enumerate(_WEEKDAYS)},
}
_DIGITS = re.compile(r"[0-9]+")
_HASHED = re.compile(r"[hr](\(.*\))?(/.*)?")
_NTH = re.compile(r"([0-9a-z]+)#([0-9]+)")
_LAST_WEEKDAY = re.compile(r"l([0-9]+|[a-z]{3})")
_NEAREST = re.compile(r"([0-9]+)w")
_MAX_DIGITS = 4  # no field value has more; a longer number is refused before int() reads it
_CALENDAR_RANGES = {
    "year": (FIRST_YEAR, LAST_YEAR),
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


class CronError(ValueError):
    """Raised with a human message when an expression or calendar fields cannot be used."""

    def __init__(self, message: str, field: str = "cron") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class _Field:
    values: frozenset[int]  # from plain items (numbers, ranges, steps, names)
    specials: tuple[str, ...]  # L, nW (day of month); d#n, Ld (day of week), normalised
    starred: bool  # starts with * (or ?): what Debian's day rule and DST rule look at


def parse_cron(text: str) -> CronExpression:
    """Check `text` and return it as a CronExpression, raising CronError naming what is wrong."""
    if not isinstance(text, str):
        raise CronError("the expression must be text")
    if len(text) > MAX_LENGTH:
        raise CronError(f"the expression is longer than {MAX_LENGTH} characters")
    return _parse(text)


@lru_cache(maxsize=1024)  # keys are at most MAX_LENGTH characters (checked above)
def _parse(text: str) -> CronExpression:
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
    parsed = [_field(field, index) for index, field in enumerate(fields)]
    dom, dow = parsed[_DOM], parsed[_DOW]
    return _compile(" ".join(fields), parsed, day_or=not (dom.starred or dow.starred))


def _compile(text: str, parsed: list[_Field], *, day_or: bool) -> CronExpression:
    minute, hour, dom, month, dow = parsed[:5]
    seconds = parsed[5] if len(parsed) > 5 else None
    years = parsed[6].values if len(parsed) > 6 and not _full(parsed[6], 6) else None
    common = (_text(minute, 0), _text(hour, 1), _text(month, _MONTH), _seconds_text(seconds))
    pairs: list[tuple[str, str, tuple[str, frozenset[int] | None] | None]]
    if day_or:
        # Either field may match: one stream per side (and per special), the other side "*".
        pairs = [(_list(dom.values, _DOM), "*", None)] if dom.values else []
        pairs += [(special, "*", None) for special in dom.specials]
        pairs += [("*", _list(dow.values, _DOW), None)] if dow.values else []
        pairs += [("*", special, None) for special in dow.specials]
    else:
        # Both must match. A special is only allowed in a field that does not start with `*`,
        # so at most one side has specials; the other is a plain set, applied as a filter.
        pairs = [(_text(dom, _DOM), _text(dow, _DOW), None)] if dom.values and dow.values else []
        dow_filter = None if _full(dow, _DOW) else dow.values
        dom_filter = None if _full(dom, _DOM) else dom.values
        pairs += [(special, "*", ("weekday", dow_filter)) for special in dom.specials]
        pairs += [("*", special, ("day", dom_filter)) for special in dow.specials]
    streams = tuple(Stream.build(common, day, weekday, limit) for day, weekday, limit in pairs)
    return compile_streams(
        text,
        streams,
        months=month.values,
        years=years,
        wildcard=minute.starred or hour.starred,
    )


def _field(field: str, index: int) -> _Field:
    name = _FIELDS[index][0]
    values: set[int] = set()
    specials: list[str] = []
    for item in field.split(","):
        special = _special(item, index)
        if special is not None:
            specials.append(special)
        else:
            values |= _plain(item, index)
    starred = field.startswith(("*", "?"))
    if starred and specials:
        raise CronError(f"the {name} field starts with '*', so it cannot also hold L, W or #")
    if index == _DOW:
        values = {value % 7 for value in values}  # 7 is Sunday too
    return _Field(frozenset(values), tuple(specials), starred)


def _special(item: str, index: int) -> str | None:
    """Return a normalised L / W / # item, or None when `item` is a plain one."""
    name = _FIELDS[index][0]
    if _HASHED.fullmatch(item):
        raise CronError(
            f"'{_show(item).upper()}' in the {name} field: "
            "hashed (H) and random (R) values are not supported"
        )
    if index == _DOM:
        if item == "l":
            return "l"
        if item == "lw":
            raise CronError("'LW' (the last weekday of the month) is not supported; use L or 28W")
        if match := _NEAREST.fullmatch(item):
            return f"{_number(match.group(1), index)}w"
    if index == _DOW:
        if match := _NTH.fullmatch(item):
            nth = match.group(2)
            if len(nth) > 1 or not 1 <= int(nth) <= 5:
                raise CronError(f"'#{_show(nth)}' in the day of week field must be #1 to #5")
            return f"{_number(match.group(1), index) % 7}#{nth}"
        if match := _LAST_WEEKDAY.fullmatch(item):
            return f"l{_number(match.group(1), index) % 7}"
        if item == "l":
            raise CronError("'L' alone in the day of week field is not supported; write L5 etc.")
    return None


def _plain(item: str, index: int) -> set[int]:
    """Return the values of a number, range or step item of field `index`."""
    name, low, high = _FIELDS[index]
    if not item:
        raise CronError(f"empty value in the {name} field")
    base, slash, step_text = item.partition("/")
    step = 1
    if slash:
        span = high - low + 1
        digits = _DIGITS.fullmatch(step_text) and len(step_text) <= _MAX_DIGITS
        if not digits or not 1 <= int(step_text) <= span:
            raise CronError(
                f"step '{_show(step_text)}' in the {name} field must be a whole number "
                f"from 1 to {span}"
            )
        step = int(step_text)
    if base == "*" or (base == "?" and index in (_DOM, _DOW) and not slash):
        first, last = low, high
    else:
        bounds = base.split("-")
        if len(bounds) > 2 or not all(bounds):
            raise CronError(f"'{_show(item)}' is not a valid value or range in the {name} field")
        first = _number(bounds[0], index)
        if len(bounds) == 2:
            last = high if index == _DOM and bounds[1] == "l" else _number(bounds[1], index)
            if last < first:
                raise CronError(
                    f"range '{_show(base)}' in the {name} field goes backwards; "
                    "write it as two ranges"
                )
        elif slash:
            if index == _DOW:
                raise CronError(
                    f"'{_show(item)}' in the day of week field: a step needs a range or '*' "
                    "(write 1-6/2 or */2)"
                )
            last = high  # "5/15" is "5-59/15", as croniter, cronsim and Quartz read it
        else:
            last = first
    return set(range(first, last + 1, step))


def _number(token: str, index: int) -> int:
    name, low, high = _FIELDS[index]
    names = _NAMES.get(index, {})
    if token in names:
        return names[token]
    if not _DIGITS.fullmatch(token):
        raise CronError(f"'{_show(token)}' is not a valid value in the {name} field")
    if len(token) > _MAX_DIGITS or not low <= int(token) <= high:
        shown = _show(token.lstrip("0") or "0")
        raise CronError(f"{shown} is out of range {low}-{high} in the {name} field")
    return int(token)


def _show(text: str) -> str:
    return text if len(text) <= 12 else f"{text[:12]}… ({len(text)} characters)"


def _full(field: _Field, index: int) -> bool:
    _, low, high = _FIELDS[index]
    if index == _DOW:
        low, high = 0, 6
    return not field.specials and field.values >= set(range(low, high + 1))


def _list(values: frozenset[int], index: int) -> str:
    return "*" if _full(_Field(values, (), False), index) else ",".join(map(str, sorted(values)))


def _text(field: _Field, index: int) -> str:
    return _list(field.values, index)


def _seconds_text(seconds: _Field | None) -> str:
    if seconds is None or seconds.values == {0}:
        return ""
    return _list(seconds.values, 5)


def calendar_expression(
    *,
    year: int | None,
    month: int | None,
    day: int | None,
    hour: int | None,
    minute: int | None,
    weekday: int | None,
) -> CronExpression:
    """Check calendar fields and translate them into an expression (see
    `thx_cron.schedules.schedule`)."""
    values = {"year": year, "month": month, "day": day, "hour": hour, "minute": minute}
    for name, value in {**values, "weekday": weekday}.items():
        low, high = _CALENDAR_RANGES[name]
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise CronError(f"must be a whole number, got {shown(value)}", field=name)
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

    fields = [field(minute, 4, 0), field(hour, 3, 0), field(day, 2, 1), field(month, 1, 1)]
    # Cron counts weekdays from Sunday, Python from Monday.
    fields.append("*" if weekday is None else str((weekday + 1) % 7))
    if year is not None:
        fields += ["0", str(year)]
    parsed = [_field(text, index) for index, text in enumerate(fields)]
    # Calendar fields always AND a day with a weekday.
    return _compile(" ".join(fields), parsed, day_or=False)
