"""Compute when a job runs: a schedule spec, a time zone and an instant in, instants out.

Pure logic: no Django, no settings, no clock. Every instant returned is an aware UTC datetime;
every instant passed in must be aware (any zone).

Kinds:

- ``cron``: croniter's grammar (see `thx_cron.cron`); weekday 0 or 7 is Sunday, as in cron.
- ``calendar``: explicit year / month / day / hour / minute / weekday fields, each optional.
  Fields less significant than the least significant given field default to their minimum
  (minute 0, hour 0, day 1, month 1), more significant ones to "every" (APScheduler's rule), with
  significance year > month > day (and weekday) > hour > minute; seconds are always 0. So
  ``{hour: 9}`` is 09:00 daily, ``{minute: 30}`` is hh:30 hourly, ``{}`` is every minute and a
  fully given date is a single instant. ``weekday`` uses Python's convention (0=Monday ..
  6=Sunday) and narrows the days (AND with ``day`` when both are given).
- ``interval``: every ``every_seconds`` seconds counted from ``start_at``, or from the Unix epoch
  when there is no ``start_at``; plain UTC arithmetic, so DST never shifts it.
- ``once``: the instant ``at``; a naive ``at`` is wall-clock time in the schedule's zone.

``start_at`` and ``end_at`` bound every kind: no occurrence before the one or after the other.

Daylight saving time follows Debian's cron. Wall-clock times come from croniter on naive
datetimes and are mapped to instants here. A fixed-hour schedule (hour field not starting with
``*``) whose time falls in a spring-forward gap runs once, at the jump; in the repeated fall-back
hour it runs once, at the first pass. A wildcard-hour schedule runs at every wall-clock time that
exists: gap times are skipped and repeated times run at both instants.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from functools import lru_cache
from itertools import islice, takewhile
from zoneinfo import ZoneInfo, available_timezones

from thx_cron.cron import CronError, CronExpression, describe_cron, parse_cron, walls

UTC = timezone.utc
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TICK = timedelta(microseconds=1)
_SECOND = timedelta(seconds=1)
_DAY = timedelta(days=1)
# Searching for a first occurrence from here proves whether an expression can ever match.
_BEFORE_ALL_YEARS = datetime(1969, 12, 31, 23, 59, 59)
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")
_LONGEST_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_CALENDAR_RANGES = (("year", 1970, 2199), ("month", 1, 12), ("day", 1, 31), ("hour", 0, 23),
                    ("minute", 0, 59), ("weekday", 0, 6))


class Kind(StrEnum):
    CRON = "cron"
    CALENDAR = "calendar"
    INTERVAL = "interval"
    ONCE = "once"


class InvalidSchedule(ValueError):
    """Raised when a schedule cannot run; `field` names the culprit and `message` says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def parse_timezone(name: str) -> ZoneInfo:
    """Return the IANA time zone called `name`, raising InvalidSchedule if there is none."""
    # The known-name check keeps out host-dependent keys such as "localtime".
    if not isinstance(name, str) or name not in _zone_names():
        raise InvalidSchedule("timezone", f"unknown time zone {name!r}")
    return ZoneInfo(name)


@dataclass(frozen=True)
class ScheduleSpec:
    """What a schedule is: its kind and the fields that kind reads (others are ignored)."""

    kind: str
    cron: str = ""
    year: int | None = None
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int | None = None
    weekday: int | None = None  # 0=Monday .. 6=Sunday
    every_seconds: int | None = None
    at: datetime | None = None


@dataclass(frozen=True)
class Schedule:
    """A spec placed in a time zone and a window; answers when it occurs."""

    spec: ScheduleSpec
    timezone: str = "UTC"
    start_at: datetime | None = None
    end_at: datetime | None = None

    def validate(self) -> None:
        """Raise InvalidSchedule naming the first field that makes this schedule unusable."""
        kind = self._kind()
        parse_timezone(self.timezone)
        for name, value in (("start_at", self.start_at), ("end_at", self.end_at)):
            if value is not None and _is_naive(value):
                raise InvalidSchedule(name, "must include a time zone")
        if self.start_at is not None and self.end_at is not None and self.end_at < self.start_at:
            raise InvalidSchedule("end_at", "must not be before start_at")
        if kind in (Kind.CRON, Kind.CALENDAR):
            if next(walls(self._expression(), _BEFORE_ALL_YEARS), None) is None:
                what = f"'{self.spec.cron}'" if kind == Kind.CRON else "this combination of fields"
                raise InvalidSchedule(kind, f"{what} never occurs")
        elif kind == Kind.INTERVAL:
            self._step()
        elif self.spec.at is None:
            raise InvalidSchedule("at", "a once schedule needs the instant to run at")

    def next_after(self, after: datetime) -> datetime | None:
        """Return the first occurrence strictly after `after`, or None when none is left."""
        return next(self._iter_after(_aware(after, "after")), None)

    def occurrences(self, after: datetime, count: int) -> list[datetime]:
        """Return the next `count` occurrences strictly after `after`."""
        return list(islice(self._iter_after(_aware(after, "after")), count))

    def between(self, after: datetime, until: datetime, limit: int) -> list[datetime]:
        """Return the earliest `limit` occurrences in (after, until]."""
        until = _aware(until, "until")
        occurrences = takewhile(lambda instant: instant <= until, self._iter_after(_aware(after, "after")))
        return list(islice(occurrences, limit))

    def latest_at_or_before(self, moment: datetime, after: datetime) -> datetime | None:
        """Return the last occurrence in (after, moment], or None; searches backward, so any range is cheap."""
        top = _aware(moment, "moment")
        if self.end_at is not None:
            top = min(top, self.end_at)
        lower = self._lower_bound(_aware(after, "after"))
        if top <= lower:
            return None
        kind = self._kind()
        if kind == Kind.INTERVAL:
            anchor, step = self._anchor(), self._step()
            latest = anchor + (top - anchor) // step * step
            return latest if latest > lower else None
        if kind == Kind.ONCE:
            at = self._at()
            return at if lower < at <= top else None
        zone, expression = parse_timezone(self.timezone), self._expression()
        best: datetime | None = None
        for wall in walls(expression, _wall_bound(top, zone, latest=True) + _SECOND, backward=True):
            instants = _instants(wall, zone, expression.wildcard_hour)
            for instant in instants:
                if lower < instant <= top and (best is None or instant > best):
                    best = instant
            # Instants never decrease with wall time, so earlier walls cannot beat `best`.
            if instants and (instants[-1] <= lower or (best is not None and instants[-1] <= best)):
                break
        return best

    def describe(self) -> str:
        """Return a human description of when this schedule runs."""
        kind, spec, zone = self._kind(), self.spec, parse_timezone(self.timezone)
        if kind == Kind.CRON:
            text = describe_cron(self._expression().text)
        elif kind == Kind.CALENDAR:
            if spec.day is not None and spec.weekday is not None:
                # cron-descriptor words day + weekday as "or"; calendar fields mean "and".
                text = describe_cron(_calendar_expression(replace(spec, weekday=None)).text)
                text += f", only on {_WEEKDAY_NAMES[spec.weekday]}"
            else:
                text = describe_cron(self._expression().text)
        elif kind == Kind.INTERVAL:
            text = _describe_every(self._step())
        else:
            at = self._at().astimezone(zone) if self.spec.at is None or not _is_naive(self.spec.at) else self.spec.at
            text = f"Once, at {_local(at)}"
        if self.start_at is not None:
            text += f", from {_local(self.start_at.astimezone(zone))}"
        if self.end_at is not None:
            text += f", until {_local(self.end_at.astimezone(zone))}"
        return f"{text} ({self.timezone})"

    def _iter_after(self, after: datetime) -> Iterator[datetime]:
        """Yield the occurrences strictly after `after`, in order, up to end_at."""
        lower = self._lower_bound(after)
        kind = self._kind()
        if kind == Kind.INTERVAL:
            source = self._interval_after(lower)
        elif kind == Kind.ONCE:
            source = iter([self._at()] if self._at() > lower else [])
        else:
            source = self._walls_after(lower)
        for instant in source:
            if self.end_at is not None and instant > self.end_at:
                return
            yield instant

    def _walls_after(self, lower: datetime) -> Iterator[datetime]:
        """Yield cron/calendar occurrences after `lower`, mapping croniter's wall times to instants."""
        zone, expression = parse_timezone(self.timezone), self._expression()
        # The repeated fall-back hour yields a second pass of instants after later walls' first
        # pass, so instants wait in a heap until no later wall can produce an earlier one.
        pending: list[datetime] = []
        last: datetime | None = None
        for wall in walls(expression, _wall_bound(lower, zone, latest=False) - _SECOND):
            instants = _instants(wall, zone, expression.wildcard_hour)
            for instant in instants:
                if instant > lower:
                    heapq.heappush(pending, instant)
            while pending and instants and pending[0] <= instants[0]:
                instant = heapq.heappop(pending)
                if instant != last:  # several gap times can map to the same jump
                    yield instant
                    last = instant
        while pending:
            instant = heapq.heappop(pending)
            if instant != last:
                yield instant
                last = instant

    def _interval_after(self, lower: datetime) -> Iterator[datetime]:
        anchor, step = self._anchor(), self._step()
        index = (lower - anchor) // step + 1
        while True:
            yield anchor + index * step
            index += 1

    def _kind(self) -> Kind:
        try:
            return Kind(self.spec.kind)
        except ValueError:
            expected = ", ".join(kind.value for kind in Kind)
            raise InvalidSchedule("kind", f"unknown kind {self.spec.kind!r}, expected one of {expected}") from None

    def _expression(self) -> CronExpression:
        if self._kind() == Kind.CALENDAR:
            return _calendar_expression(self.spec)
        try:
            return parse_cron(self.spec.cron)
        except CronError as exc:
            raise InvalidSchedule("cron", str(exc)) from None

    def _step(self) -> timedelta:
        every = self.spec.every_seconds
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise InvalidSchedule("every_seconds", f"must be a whole number of seconds, at least 1 (got {every!r})")
        return timedelta(seconds=every)

    def _anchor(self) -> datetime:
        return (self.start_at or EPOCH).astimezone(UTC)

    def _at(self) -> datetime:
        at = self.spec.at
        if at is None:
            raise InvalidSchedule("at", "a once schedule needs the instant to run at")
        if not _is_naive(at):
            return at.astimezone(UTC)
        return _instants(at, parse_timezone(self.timezone), wildcard_hour=False)[0]

    def _lower_bound(self, after: datetime) -> datetime:
        """Return the instant occurrences must be strictly after, given `after` and start_at."""
        if self.start_at is not None and self.start_at - _TICK > after:
            return (self.start_at - _TICK).astimezone(UTC)
        return after.astimezone(UTC)


def _calendar_expression(spec: ScheduleSpec) -> CronExpression:
    """Check calendar fields and translate them into a croniter expression."""
    for name, low, high in _CALENDAR_RANGES:
        value = getattr(spec, name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidSchedule(name, f"must be a whole number, got {value!r}")
        if not low <= value <= high:
            raise InvalidSchedule(name, f"{value} is out of range {low}-{high}")
    if spec.month is not None and spec.day is not None:
        leap = spec.year is None or (spec.year % 4 == 0 and (spec.year % 100 != 0 or spec.year % 400 == 0))
        longest = _LONGEST_MONTH[spec.month - 1] - (1 if spec.month == 2 and not leap else 0)
        if spec.day > longest:
            year = f", {spec.year}" if spec.year is not None else ""
            raise InvalidSchedule("calendar", f"{_MONTH_NAMES[spec.month - 1]} {spec.day}{year} never occurs")
    day_level = spec.day if spec.day is not None else spec.weekday
    levels = (spec.year, spec.month, day_level, spec.hour, spec.minute)
    least = max((level for level, value in enumerate(levels) if value is not None), default=-1)

    def field(value: int | None, level: int, minimum: int) -> str:
        if value is not None:
            return str(value)
        return str(minimum) if level > least else "*"

    weekday = "*" if spec.weekday is None else str((spec.weekday + 1) % 7)  # cron counts from Sunday
    hour = field(spec.hour, 3, 0)
    fields = [field(spec.minute, 4, 0), hour, field(spec.day, 2, 1), field(spec.month, 1, 1), weekday]
    if spec.year is not None:
        fields += ["0", str(spec.year)]
    return CronExpression(" ".join(fields), wildcard_hour=hour == "*", day_or=False)


def _instants(wall: datetime, zone: ZoneInfo, wildcard_hour: bool) -> list[datetime]:
    """Return the UTC instants at which wall-clock time `wall` runs in `zone`, by Debian cron's rules."""
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if first == second:
        return [first]
    if first < second:  # the clock fell back and shows `wall` twice
        return [first, second] if wildcard_hour else [first]
    # The clock sprang forward over `wall`: fold=1 reads it with the new offset, before the jump.
    return [] if wildcard_hour else [_jump(zone, second, first)]


def _jump(zone: ZoneInfo, before: datetime, after: datetime) -> datetime:
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


def _wall_bound(instant: datetime, zone: ZoneInfo, *, latest: bool) -> datetime:
    """Return `instant` as naive wall time under the smallest (or, if `latest`, largest) nearby offset."""
    # Offsets a day either side cover a DST change between `instant` and the walls mapping near it.
    offsets = [(instant + shift).astimezone(zone).utcoffset() or timedelta() for shift in (-_DAY, timedelta(), _DAY)]
    return instant.astimezone(UTC).replace(tzinfo=None, microsecond=0) + (max if latest else min)(offsets)


def _aware(value: datetime, name: str) -> datetime:
    if _is_naive(value):
        raise ValueError(f"{name} must be an aware datetime, got naive {value.isoformat()}")
    return value


def _is_naive(value: datetime) -> bool:
    return value.tzinfo is None or value.utcoffset() is None


def _local(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")


def _describe_every(step: timedelta) -> str:
    seconds = int(step.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds % size == 0:
            break
    count = seconds // size
    return f"Every {unit}" if count == 1 else f"Every {count} {unit}s"
