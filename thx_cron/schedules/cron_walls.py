"""Iterate the wall-clock times of a normalised cron expression with croniter, and prove whether
an expression can occur at all without asking croniter to search centuries.

Pure logic over naive datetimes. `thx_cron.schedules.cron` builds the streams; croniter only ever
reads explicit lists of values with at most one restricted day field (or two, always ANDed), so the
forms whose reading changed between croniter versions never reach it.
"""

from __future__ import annotations

import threading
from calendar import monthrange
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from croniter import CroniterBadDateError, croniter

from thx_cron.schedules.instants import FIRST_YEAR, LAST_YEAR

_SECOND = timedelta(seconds=1)
_DAY = timedelta(days=1)
_EPOCH = datetime(FIRST_YEAR, 1, 1)
# croniter gives up after this many years without a match; streams that can never match are
# dropped before they reach it, so this only bounds rare ones (February 29 on a Monday).
_MAX_YEARS = LAST_YEAR - FIRST_YEAR + 1
# In 2001-2028 every month starts on every weekday, in leap and common years alike.
_CYCLE = range(2001, 2029)


@dataclass(frozen=True)
class Stream:
    """One croniter expression whose wall times belong to the schedule, maybe filtered by day."""

    text: str
    day: str  # croniter's day-of-month field: "*", a list, "l" or "<n>w"
    weekday: str  # croniter's day-of-week field: "*", a list, "<d>#<n>" or "l<d>"
    filter_days: frozenset[int] | None = None  # day of month must be in it (AND)
    filter_weekdays: frozenset[int] | None = None  # cron weekday (0 = Sunday) must be in it

    @classmethod
    def build(
        cls,
        common: tuple[str, str, str, str],
        day: str,
        weekday: str,
        limit: tuple[str, frozenset[int] | None] | None,
    ) -> Stream:
        minute, hour, month, seconds = common
        text = f"{minute} {hour} {day} {month} {weekday}" + (f" {seconds}" if seconds else "")
        days = limit[1] if limit is not None and limit[0] == "day" else None
        weekdays = limit[1] if limit is not None and limit[0] == "weekday" else None
        return cls(text, day, weekday, days, weekdays)

    def accepts(self, wall: datetime) -> bool:
        if self.filter_days is not None and wall.day not in self.filter_days:
            return False
        return self.filter_weekdays is None or (wall.weekday() + 1) % 7 in self.filter_weekdays

    def days_in(self, year: int, month: int) -> set[int]:
        """Return the days of `month` in `year` on which this stream matches."""
        first, length = monthrange(year, month)  # first: Monday = 0
        first = (first + 1) % 7  # cron's count: Sunday = 0
        days = _days(self.day, first, length) & _weekdays(self.weekday, first, length)
        if self.filter_days is not None:
            days &= self.filter_days
        if self.filter_weekdays is not None:
            days = {day for day in days if (first + day - 1) % 7 in self.filter_weekdays}
        return days


@dataclass(frozen=True)
class CronExpression:
    """A checked expression, as the streams croniter iterates and what the DST rules need."""

    text: str
    streams: tuple[Stream, ...]
    years: frozenset[int] | None
    # Debian's rule: a job whose minute or hour field starts with `*` is a wildcard job.
    wildcard: bool
    months: frozenset[int] = frozenset(range(1, 13))

    @property
    def occurs(self) -> bool:
        return bool(self.streams)


def compile_streams(
    text: str,
    streams: tuple[Stream, ...],
    *,
    months: frozenset[int],
    years: frozenset[int] | None,
    wildcard: bool,
) -> CronExpression:
    """Return the expression with only the streams that can occur in the accepted years."""
    kept = tuple(stream for stream in dict.fromkeys(streams) if _can_occur(stream, months, years))
    return CronExpression(text, kept, years, wildcard, months)


def _can_occur(stream: Stream, months: frozenset[int], years: frozenset[int] | None) -> bool:
    seen: set[tuple[int, int, int]] = set()
    for year in sorted(years) if years is not None else _CYCLE:
        for month in months:
            shape = (month, *monthrange(year, month))
            if shape not in seen:
                seen.add(shape)
                if stream.days_in(year, month):
                    return True
    return False


def _days(field: str, first: int, length: int) -> set[int]:
    if field == "*":
        return set(range(1, length + 1))
    if field == "l":
        return {length}
    if field.endswith("w"):
        return {_nearest_weekday(min(int(field[:-1]), length), first, length)}
    return {day for day in map(int, field.split(",")) if day <= length}


def _nearest_weekday(day: int, first: int, length: int) -> int:
    """The weekday (Monday-Friday) nearest to `day`, never leaving the month (as croniter)."""
    weekday = (first + day - 1) % 7
    if weekday == 6:  # Saturday: the Friday before, or the Monday after the 1st
        return day - 1 if day > 1 else day + 2
    if weekday == 0:  # Sunday: the Monday after, or the Friday before the last day
        return day + 1 if day < length else day - 2
    return day


def _weekdays(field: str, first: int, length: int) -> set[int]:
    """Days of a month starting on cron weekday `first` (0 = Sunday) that match `field`."""

    def weekday(day: int) -> int:
        return (first + day - 1) % 7

    if field == "*":
        return set(range(1, length + 1))
    if "#" in field:
        wanted, nth = map(int, field.split("#"))
        day = (wanted - first) % 7 + 1 + 7 * (nth - 1)
        return {day} if day <= length else set()
    if field.startswith("l"):
        wanted = int(field[1:])
        return {max(day for day in range(length - 6, length + 1) if weekday(day) == wanted)}
    wanted_set = set(map(int, field.split(",")))
    return {day for day in range(1, length + 1) if weekday(day) in wanted_set}


def walls(
    expression: CronExpression, start: datetime, *, backward: bool = False
) -> Iterator[datetime]:
    """Yield the naive wall times matching `expression`, strictly after `start` (or before it)."""
    streams = expression.streams
    if len(streams) == 1:
        yield from _stream_walls(expression, streams[0], start, backward)
        return
    # Merged lazily: a stream is asked for a wall (a croniter search) only once no other stream
    # can come first, judged by the first day it can match (`_day_bound`), so finding the next
    # occurrence usually asks one stream, not all of them.
    sources = [_stream_walls(expression, stream, start, backward) for stream in streams]
    keys = [_day_bound(expression, stream, start, backward) for stream in streams]
    known = [False] * len(streams)  # keys[i] is the stream's next wall, not only a bound of it
    pick = max if backward else min
    last = None
    while sources:
        index = pick(range(len(keys)), key=keys.__getitem__)
        if not known[index]:
            wall = next(sources[index], None)
            if wall is None:
                del sources[index], keys[index], known[index]
            else:
                keys[index], known[index] = wall, True
            continue
        wall, known[index] = keys[index], False  # its next wall lies beyond this one
        if wall != last:  # two streams may match the same day
            yield wall
            last = wall


_BOUND_MONTHS = 14  # how far _day_bound looks for a matching day before it settles for a bound


def _day_bound(
    expression: CronExpression, stream: Stream, start: datetime, backward: bool
) -> datetime:
    """A time no later (`backward`: no earlier) than the stream's first wall after (before)
    `start`: the start of the first day, from `start` on, on which the stream can match."""
    year, month = start.year, start.month
    for _ in range(_BOUND_MONTHS):
        if month in expression.months and FIRST_YEAR - 1 <= year <= LAST_YEAR + 1:
            days = stream.days_in(year, month)
            if (year, month) == (start.year, start.month):
                days = {d for d in days if (d <= start.day if backward else d >= start.day)}
            if days:
                day = max(days) if backward else min(days)
                if (year, month, day) == (start.year, start.month, start.day):
                    return start
                edge = time(23, 59, 59) if backward else time()
                return datetime.combine(datetime(year, month, day), edge)
        month += -1 if backward else 1
        if not 1 <= month <= 12:
            year, month = (year - 1, 12) if backward else (year + 1, 1)
    # No matching day in those months: the stream's first wall lies beyond them.
    if not FIRST_YEAR - 1 <= year <= LAST_YEAR + 1:
        return start
    if backward:
        return datetime.combine(datetime(year, month, monthrange(year, month)[1]), time(23, 59, 59))
    return datetime(year, month, 1)


def _stream_walls(
    expression: CronExpression, stream: Stream, start: datetime, backward: bool
) -> Iterator[datetime]:
    years = expression.years
    engine = _engine(stream.text)
    step = engine.get_prev if backward else engine.get_next
    cursor = start
    while True:
        try:
            # Every call passes its own start: the engine is shared by every walk of this
            # stream in this thread, and only its current time changes between calls.
            wall: datetime = step(datetime, start_time=cursor)
        except CroniterBadDateError:
            return
        if not FIRST_YEAR - 1 <= wall.year <= LAST_YEAR + 1:
            return
        if years is not None and wall.year not in years:
            other = _other_year(years, wall.year, backward)
            if other is None:
                return
            cursor = other
        elif not stream.accepts(wall):
            # Start again at the next (previous) day the filter lets through, rather than
            # walking that day's every minute and then every day croniter offers.
            if backward:
                day_before = datetime.combine(wall.date() - _DAY, time(23, 59, 59))
                cursor = _day_bound(expression, stream, day_before, backward) + _SECOND
            else:
                day_after = datetime.combine(wall.date() + _DAY, time())
                cursor = _day_bound(expression, stream, day_after, backward) - _SECOND
        else:
            yield wall
            cursor = wall


_engines = threading.local()
_ENGINES_PER_THREAD = 2048  # the least recently used go first


def _engine(text: str) -> croniter:
    """This thread's croniter for stream `text`.

    croniter parses its expression when it is built, most of the cost of finding one occurrence;
    get_next / get_prev with a start_time walk from any time, so one engine serves every walk.
    """
    engines: OrderedDict[str, croniter] | None = getattr(_engines, "by_text", None)
    if engines is None:
        engines = _engines.by_text = OrderedDict()
    engine = engines.get(text)
    if engine is None:
        engine = croniter(text, _EPOCH, day_or=False, max_years_between_matches=_MAX_YEARS)
        engines[text] = engine
        if len(engines) > _ENGINES_PER_THREAD:
            engines.popitem(last=False)
    else:
        engines.move_to_end(text)
    return engine


def clear_engines() -> None:
    """Forget this thread's engines (benchmarks measure a first sight of an expression)."""
    _engines.by_text = OrderedDict()


def _other_year(years: frozenset[int], year: int, backward: bool) -> datetime | None:
    if backward:
        earlier = [y for y in years if y < year]
        return datetime(max(earlier) + 1, 1, 1) if earlier else None
    later = [y for y in years if y > year]
    return datetime(min(later), 1, 1) - _SECOND if later else None
