"""Compute when a job runs: a schedule spec, a time zone and an instant in, instants out.

Pure logic: no Django, no settings, no clock. Every instant returned is an aware UTC datetime;
every instant passed in must be aware (any zone).

Kinds:

- ``cron``: croniter's grammar (see `thx_cron.schedules.cron`); weekday 0 or 7 is Sunday, as in
  cron.
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
datetimes (see `thx_cron.schedules.cron`) and are mapped to instants here. A fixed-time schedule
(neither the cron minute nor the hour field starts with ``*``; a calendar whose minute and hour are
given or default to their minimum) whose time falls in a spring-forward gap runs once, at the jump;
in the repeated fall-back hour it runs once, at the first pass. A wildcard schedule (minute or hour
field starting with ``*``) runs at every wall-clock time that exists: gap times are skipped and
repeated times run at both instants.

Every instant is bounded to the years 1970-2199 (`thx_cron.schedules.instants`): validate() refuses
a window or an ``at`` outside them, and the query methods are total: an ``after`` or ``moment``
outside the range is moved to its edge, never an OverflowError.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from itertools import islice, takewhile
from zoneinfo import ZoneInfo, available_timezones

from thx_cron.schedules.cron import (
    CronError,
    CronExpression,
    calendar_expression,
    describe_cron,
    parse_cron,
)
from thx_cron.schedules.cron_walls import walls
from thx_cron.schedules.instants import BEYOND, clamp, is_naive, range_error, wall_to_instant
from thx_cron.security.limits import shown

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TICK = timedelta(microseconds=1)
_SECOND = timedelta(seconds=1)
_DAY = timedelta(days=1)
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Kind(StrEnum):
    """The kinds of schedule; exactly one per job."""

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
    # "localtime" is the host's zone under another name: a job must not change with the server.
    return frozenset(available_timezones()) - {"localtime"}


def parse_timezone(name: str) -> ZoneInfo:
    """Return the IANA time zone called `name`, raising InvalidSchedule if there is none."""
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

    @property
    def zone(self) -> ZoneInfo:
        """Return the schedule's time zone, raising InvalidSchedule if it is unknown."""
        return parse_timezone(self.timezone)

    def validate(self) -> None:
        """Raise InvalidSchedule naming the first field that makes this schedule unusable."""
        kind = self._kind()
        parse_timezone(self.timezone)
        for name, value in (("start_at", self.start_at), ("end_at", self.end_at)):
            if value is not None and _is_naive(value):
                raise InvalidSchedule(name, "must include a time zone")
            if value is not None and (problem := range_error(value)) is not None:
                raise InvalidSchedule(name, problem)
        if self.start_at is not None and self.end_at is not None and self.end_at < self.start_at:
            raise InvalidSchedule("end_at", "must not be before start_at")
        if kind in (Kind.CRON, Kind.CALENDAR):
            if not self._expression().occurs:
                what = f"'{self.spec.cron}'" if kind == Kind.CRON else "this combination of fields"
                raise InvalidSchedule(kind, f"{what} never occurs")
        elif kind == Kind.INTERVAL:
            self._step()
        else:
            self._at()

    def next_after(self, after: datetime) -> datetime | None:
        """Return the first occurrence strictly after `after`, or None when none is left."""
        return next(self._iter_after(_aware(after, "after")), None)

    def occurrences(self, after: datetime, count: int) -> list[datetime]:
        """Return the next `count` occurrences strictly after `after`."""
        return list(islice(self._iter_after(_aware(after, "after")), count))

    def between(self, after: datetime, until: datetime, limit: int) -> list[datetime]:
        """Return the earliest `limit` occurrences in (after, until]."""
        until = clamp(_aware(until, "until"))
        upcoming = self._iter_after(_aware(after, "after"))
        return list(islice(takewhile(lambda instant: instant <= until, upcoming), limit))

    def latest_at_or_before(self, moment: datetime, after: datetime) -> datetime | None:
        """Return the last occurrence in (after, moment], or None, searching back from `moment`."""
        top = clamp(_aware(moment, "moment"))
        if self.end_at is not None:
            top = min(top, clamp(self.end_at))
        lower = self._lower_bound(_aware(after, "after"))
        if top <= lower:
            return None
        kind = self._kind()
        if kind == Kind.INTERVAL:
            anchor, step = self._anchor(), self._step()
            latest = anchor + (top - anchor) // step * step
            return latest if latest > lower else None
        if kind == Kind.ONCE:
            at = self._at_or_none()
            return at if at is not None and lower < at <= top else None
        zone, expression = self.zone, self._expression()
        best: datetime | None = None
        for wall in walls(expression, _wall_bound(top, zone, latest=True) + _SECOND, backward=True):
            instants = _instants(wall, zone, expression.wildcard)
            for instant in instants:
                if lower < instant <= top and (best is None or instant > best):
                    best = instant
            # Instants never decrease with wall time, so earlier walls cannot beat `best`.
            if instants and (instants[-1] <= lower or (best is not None and instants[-1] <= best)):
                break
        return best

    def describe(self) -> str:
        """Return a human description of when this schedule runs; never raises."""
        try:
            return self._describe()
        except (InvalidSchedule, OverflowError, ValueError) as exc:
            return f"invalid schedule: {exc}"

    def _describe(self) -> str:
        kind, spec, zone = self._kind(), self.spec, self.zone
        if kind == Kind.CRON:
            text = describe_cron(self._expression().text)
        elif kind == Kind.CALENDAR:
            if spec.day is not None and spec.weekday is not None:
                # cron-descriptor words day + weekday as "or"; calendar fields mean "and".
                text = describe_cron(_calendar(replace(spec, weekday=None)).text)
                text += f", only on {_WEEKDAY_NAMES[spec.weekday]}"
            else:
                text = describe_cron(self._expression().text)
        elif kind == Kind.INTERVAL:
            text = _describe_every(self._step())
        else:
            at = self.spec.at
            local = at if at is not None and _is_naive(at) else _in_zone(self._at(), zone)
            text = f"Once, at {_local(local)}"
        if self.start_at is not None:
            text += f", from {_local(_in_zone(self.start_at, zone))}"
        if self.end_at is not None:
            text += f", until {_local(_in_zone(self.end_at, zone))}"
        return f"{text} ({self.timezone})"

    def _iter_after(self, after: datetime) -> Iterator[datetime]:
        """Yield the occurrences strictly after `after`, in order, up to end_at."""
        lower = self._lower_bound(after)
        kind = self._kind()
        if kind == Kind.INTERVAL:
            source = self._interval_after(lower)
        elif kind == Kind.ONCE:
            at = self._at_or_none()
            source = iter([at] if at is not None and at > lower else [])
        else:
            source = self._walls_after(lower)
        for instant in source:
            if instant >= BEYOND or (self.end_at is not None and instant > self.end_at):
                return
            yield instant

    def _walls_after(self, lower: datetime) -> Iterator[datetime]:
        """Yield cron or calendar occurrences after `lower`, mapping wall times to instants."""
        zone, expression = self.zone, self._expression()
        # The repeated fall-back hour yields a second pass of instants after later walls' first
        # pass, so instants wait in a heap until no later wall can produce an earlier one.
        pending: list[datetime] = []
        # Only instants after the last one yielded: several gap times map to the same jump.
        floor = lower
        for wall in walls(expression, _wall_bound(lower, zone, latest=False) - _SECOND):
            instants = _instants(wall, zone, expression.wildcard)
            for instant in instants:
                if instant > floor and instant not in pending:
                    heapq.heappush(pending, instant)
            while pending and instants and pending[0] <= instants[0]:
                floor = heapq.heappop(pending)
                yield floor
        while pending:
            yield heapq.heappop(pending)

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
            message = f"unknown kind {self.spec.kind!r}, expected one of {expected}"
            raise InvalidSchedule("kind", message) from None

    def _expression(self) -> CronExpression:
        try:
            if self._kind() == Kind.CALENDAR:
                return _calendar(self.spec)
            return parse_cron(self.spec.cron)
        except CronError as exc:
            raise InvalidSchedule(exc.field, str(exc)) from None

    def _step(self) -> timedelta:
        every = self.spec.every_seconds
        if every is None:
            message = "an interval schedule needs every_seconds, a whole number, at least 1"
            raise InvalidSchedule("every_seconds", message)
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            message = f"must be a whole number of seconds, at least 1 (got {shown(every)})"
            raise InvalidSchedule("every_seconds", message)
        return timedelta(seconds=every)

    def _anchor(self) -> datetime:
        return (self.start_at or EPOCH).astimezone(UTC)

    def _at(self) -> datetime:
        at = self.spec.at
        if at is None:
            raise InvalidSchedule("at", "a once schedule needs the instant to run at")
        if (problem := range_error(at)) is not None:
            raise InvalidSchedule("at", problem)
        if not _is_naive(at):
            return at.astimezone(UTC)
        return wall_to_instant(at, self.zone)

    def _at_or_none(self) -> datetime | None:
        """The once instant, or None when it lies outside the accepted range (so never runs)."""
        at = self.spec.at
        if at is not None and range_error(at) is not None:
            return None
        return self._at()

    def _lower_bound(self, after: datetime) -> datetime:
        """Return the instant occurrences must be strictly after, given `after` and start_at."""
        lower = clamp(after)
        if self.start_at is not None and clamp(self.start_at) - _TICK > lower:
            return clamp(self.start_at) - _TICK
        return lower


def _calendar(spec: ScheduleSpec) -> CronExpression:
    return calendar_expression(
        year=spec.year,
        month=spec.month,
        day=spec.day,
        hour=spec.hour,
        minute=spec.minute,
        weekday=spec.weekday,
    )


def _instants(wall: datetime, zone: ZoneInfo, wildcard: bool) -> list[datetime]:
    """Return the instants at which wall-clock time `wall` runs in `zone`, by Debian's rules."""
    if not wildcard:  # fixed-time: the first pass in a fold, the jump in a gap
        return [wall_to_instant(wall, zone)]
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if first == second:
        return [first]
    # The clock fell back and shows `wall` twice (both run), or skipped it (none does).
    return [first, second] if first < second else []


def _wall_bound(instant: datetime, zone: ZoneInfo, *, latest: bool) -> datetime:
    """Return the wall time no earlier (`latest`: no later) wall can run after (before) `instant`.

    A wall time runs at an instant plus that instant's offset (a gap time at the jump, whose wall
    time is at least the jump plus the offset before it), so walls that run after `instant` are
    at least `instant` plus the smallest offset of the day that follows it, and walls that run
    at or before it at most `instant` plus the largest offset of the day before.
    """
    shift = -_DAY if latest else _DAY
    offsets = [
        (instant + delta).astimezone(zone).utcoffset() or timedelta()
        for delta in (timedelta(), shift)
    ]
    naive = instant.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    return naive + (max(offsets) if latest else min(offsets))


def _aware(value: datetime, name: str) -> datetime:
    if _is_naive(value):
        raise ValueError(f"{name} must be an aware datetime, got naive {value.isoformat()}")
    return value


_is_naive = is_naive


def _in_zone(value: datetime, zone: ZoneInfo) -> datetime:
    """`value` in `zone`, or in UTC when the zone's offset would take it past year 1 or 9999."""
    try:
        return value.astimezone(zone)
    except OverflowError:
        return value.astimezone(UTC)


def _local(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S" if value.second else "%Y-%m-%d %H:%M")


def _describe_every(step: timedelta) -> str:
    seconds = int(step.total_seconds())
    unit, size = next(
        (unit, size)
        for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))
        if seconds % size == 0
    )
    count = seconds // size
    return f"Every {unit}" if count == 1 else f"Every {count} {unit}s"
