"""Hypothesis strategies for cron expressions, and the zones and transitions they are tried in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

# Zones with unusual transitions: a 30-minute shift, a 45-minute offset, negative DST, changes
# at midnight, a Ramadan pause, DST abolished in 2022, a 2-hour shift.
ZONES = (
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Europe/Dublin",
    "America/Santiago",
    "Africa/Casablanca",
    "Asia/Tehran",
    "Antarctica/Troll",
    "America/New_York",
)
FIRST, LAST = datetime(2020, 1, 1, tzinfo=UTC), datetime(2035, 12, 31, tzinfo=UTC)
MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
WEEKDAYS = "sun mon tue wed thu fri sat".split()


@cache
def transitions(name: str) -> tuple[datetime, ...]:
    """The instants in 2020-2035 where the zone's UTC offset changes, to the minute."""
    zone, found = ZoneInfo(name), []
    day = FIRST
    while day < LAST:
        following = day + timedelta(days=1)
        if day.astimezone(zone).utcoffset() != following.astimezone(zone).utcoffset():
            low, high = day, following
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                same = middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset()
                low, high = (middle, high) if same else (low, middle)
            found.append(high.replace(second=0, microsecond=0))
        day = following
    return tuple(found)


def _number(low: int, high: int) -> st.SearchStrategy[str]:
    return st.integers(low, high).map(str)


def _range(low: int, high: int, names: list[str] | None = None) -> st.SearchStrategy[str]:
    def text(value: int) -> st.SearchStrategy[str]:
        plain = st.just(str(value))
        return plain if names is None else plain | st.just(names[value - (low if low else 0)])

    @st.composite
    def build(draw: st.DrawFn) -> str:
        first = draw(st.integers(low, high))
        last = draw(st.integers(first, high))  # equal ranges included
        item = f"{draw(text(first))}-{draw(text(last))}"
        if draw(st.booleans()):
            item += f"/{draw(st.integers(1, high - low + 1))}"
        return item

    return build()


def plain_items(
    low: int, high: int, names: list[str] | None = None, *, in_day_list: bool = False
) -> st.SearchStrategy[str]:
    """Numbers, names, ranges (equal ones too), `a-b/s`, `a/s` and (outside day lists) `*/s`."""
    span = high - low + 1
    single = _number(low, high)
    if names is not None:
        single = single | st.sampled_from(names)
    options = [single, _range(low, high, names)]
    if not in_day_list:  # a day field starting with `*` cannot hold L, W or #
        options.append(st.integers(1, span).map(lambda step: f"*/{step}"))
    if high != 7:  # `a/s` is refused in the day of week field
        options.append(
            st.builds(lambda a, s: f"{a}/{s}", st.integers(low, high), st.integers(1, span))
        )
    return st.one_of(*options)


def field(low: int, high: int, names: list[str] | None = None) -> st.SearchStrategy[str]:
    items = plain_items(low, high, names)
    return st.one_of(st.just("*"), st.lists(items, min_size=1, max_size=3).map(",".join))


day_of_month = st.one_of(
    st.just("*"),
    st.integers(2, 16).map(lambda step: f"*/{step}"),
    st.lists(
        st.one_of(
            plain_items(1, 31, in_day_list=True),
            st.just("L"),
            st.integers(1, 31).map(lambda d: f"{d}W"),
        ),
        min_size=1,
        max_size=3,
    ).map(",".join),
)
day_of_week = st.one_of(
    st.just("*"),
    st.integers(2, 7).map(lambda step: f"*/{step}"),
    st.lists(
        st.one_of(
            plain_items(0, 7, in_day_list=True),
            st.sampled_from(WEEKDAYS),
            st.builds(lambda d, n: f"{d}#{n}", st.integers(0, 7), st.integers(1, 5)),
            st.integers(0, 7).map(lambda d: f"L{d}"),
        ),
        min_size=1,
        max_size=3,
    ).map(",".join),
)
months = field(1, 12, MONTHS)
# Sparse times for long windows (the day rules); any times for short ones (the DST rules).
sparse_minutes = st.lists(_number(0, 59), min_size=1, max_size=2).map(",".join)
sparse_hours = st.lists(_number(0, 23), min_size=1, max_size=2).map(",".join)
minutes = st.one_of(field(0, 59), st.just("*/15"), st.just("30"))
hours = st.one_of(field(0, 23), st.sampled_from(["*", "*/2", "1-3", "2", "0"]))

# The seconds field, sparse enough that a wildcard minute over two days stays small.
seconds = st.lists(
    st.one_of(
        _number(0, 59),
        st.integers(10, 30).map(lambda step: f"*/{step}"),
        st.builds(lambda a, s: f"{a}/{s}", st.integers(0, 59), st.integers(15, 60)),
        st.builds(lambda a, s: f"{a}-59/{s}", st.integers(0, 59), st.integers(20, 60)),
    ),
    min_size=1,
    max_size=2,
).map(",".join)


@st.composite
def _year_item(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return str(draw(st.integers(2018, 2037)))
    if kind == 1:
        first = draw(st.integers(2018, 2037))
        last = draw(st.integers(first, 2037))  # equal ranges included
        return f"{first}-{last}" + (f"/{draw(st.integers(1, 5))}" if draw(st.booleans()) else "")
    if kind == 2:
        return f"*/{draw(st.integers(1, 12))}"  # counted from 1970, the field's first year
    return f"{draw(st.integers(2018, 2037))}/{draw(st.integers(1, 6))}"  # to 2199


years = st.one_of(st.just("*"), st.lists(_year_item(), min_size=1, max_size=2).map(",".join))
