"""Speed of thx-cron's schedule code: next_after over 1,000 varied expressions and zones against
cronsim's next() on the same inputs in the same run, and validate() of expressions that never
occur. Pure computation: no database, no Django.

    .venv/bin/python benchmarks/schedule_speed.py [--count 1000] [--rounds 5]

"cold" clears thx-cron's parse cache and its croniter engines before every call (a first sight
of an expression); "warm" keeps them (what the dispatcher sees for a job it has seen before).
The target (issue 14): warm p99 within 2x of cronsim's, p50 under 0.3 ms.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cronsim import CronSim, CronSimError  # noqa: E402

from thx_cron.schedules import cron  # noqa: E402
from thx_cron.schedules.cron_walls import clear_engines  # noqa: E402
from thx_cron.schedules.schedule import Schedule, ScheduleSpec  # noqa: E402

ZONES = (
    "UTC",
    "Europe/Rome",
    "America/New_York",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Europe/Dublin",
    "America/Santiago",
    "Asia/Tokyo",
)
NEVER = ("0 0 30 2 *", "0 0 31 4,6,9,11 *", "0 0 29 2 * 0 2100", "0 0 31 2 mon#5 0 2030-2040")


def expression(rng: random.Random) -> str:
    def plain(low: int, high: int) -> str:
        kind = rng.randrange(5)
        if kind == 0:
            return "*"
        if kind == 1:
            return f"*/{rng.randint(2, (high - low) // 2 + 1)}"
        if kind == 2:
            first = rng.randint(low, high)
            return f"{first}-{rng.randint(first, high)}"
        return ",".join(str(rng.randint(low, high)) for _ in range(rng.randint(1, 3)))

    minute, hour = plain(0, 59), plain(0, 23)
    day = rng.choice([plain(1, 28), "*", "*", "L", f"{rng.randint(1, 28)}W"])
    weekday = rng.choice(["*", "*", plain(0, 6), f"{rng.randint(0, 6)}#{rng.randint(1, 4)}"])
    month = rng.choice(["*", "*", plain(1, 12)])
    return f"{minute} {hour} {day} {month} {weekday}"


def inputs(count: int) -> list[tuple[str, str, datetime]]:
    """`count` expressions both libraries accept (cronsim refuses some W and L forms)."""
    rng = random.Random(14)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    found: list[tuple[str, str, datetime]] = []
    while len(found) < count:
        text = expression(rng)
        try:
            CronSim(peer(text), start)
        except CronSimError:
            continue
        found.append((text, rng.choice(ZONES), start + timedelta(minutes=rng.randrange(8_000_000))))
    return found


def peer(text: str) -> str:
    return re.sub(r"\bL([0-7])\b", r"\1L", text)  # cronsim writes "last Friday" as 5L


def time_call(call: object, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        began = time.perf_counter()
        call()  # type: ignore[operator]
        samples.append(time.perf_counter() - began)
    return min(samples)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    cases = inputs(options.count)
    ours_cold, ours_warm, theirs_samples = [], [], []
    for text, zone, start in cases:
        schedule = Schedule(ScheduleSpec(kind="cron", cron=text), timezone=zone)
        local = start.astimezone(ZoneInfo(zone))

        def cold(schedule: Schedule = schedule, start: datetime = start) -> None:
            cron._parse.cache_clear()
            clear_engines()
            schedule.next_after(start)

        def warm(schedule: Schedule = schedule, start: datetime = start) -> None:
            schedule.next_after(start)

        peer_text = peer(text)

        def theirs(peer_text: str = peer_text, local: datetime = local) -> None:
            next(CronSim(peer_text, local))

        ours_cold.append(time_call(cold, options.rounds))
        ours_warm.append(time_call(warm, options.rounds))
        theirs_samples.append(time_call(theirs, options.rounds))
    print(f"next_after over {len(cases)} expressions x zones (best of {options.rounds} per input)")
    for label, samples in (("thx-cron cold", ours_cold), ("thx-cron warm", ours_warm)):
        p50, p99 = percentiles(samples)
        print(f"  {label:14} p50 {p50 * 1000:.3f} ms  p99 {p99 * 1000:.3f} ms")
    p50, p99 = percentiles(theirs_samples)
    print(f"  {'cronsim':14} p50 {p50 * 1000:.3f} ms  p99 {p99 * 1000:.3f} ms")
    for label, samples in (("cold", ours_cold), ("warm", ours_warm)):
        ours = percentiles(samples)
        print(f"  ratio {label} / cronsim: p50 {ours[0] / p50:.2f}x  p99 {ours[1] / p99:.2f}x")
    warm = percentiles(ours_warm)
    met = warm[1] <= 2 * p99 and warm[0] < 0.0003
    print(f"  target (warm p99 <= 2x cronsim, p50 < 0.3 ms): {'met' if met else 'NOT met'}")
    print("validate() of an expression that never occurs (cold parse, median of 50)")
    for text in NEVER:
        schedule = Schedule(ScheduleSpec(kind="cron", cron=text))
        samples = []
        for _ in range(50):
            cron._parse.cache_clear()
            began = time.perf_counter()
            try:
                schedule.validate()
            except ValueError:
                pass
            samples.append(time.perf_counter() - began)
        print(f"  {text:28} {statistics.median(samples) * 1000:.3f} ms")


if __name__ == "__main__":
    main()
