"""Plan what to do with a job's due occurrences: run them, catch up, or skip them.

Pure logic: a schedule, the job's policies and an instant in, a plan out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from thx_cron.schedules.schedule import Schedule

_TICK = timedelta(microseconds=1)


class MisfirePolicy(StrEnum):
    """What a job does with occurrences missed while no dispatcher ran (Job.misfire_policy)."""

    RUN_ONCE = "run_once"  # one catch-up run
    SKIP = "skip"  # none
    RUN_ALL = "run_all"  # each of them, up to the run_all limit


@dataclass(frozen=True)
class Planned:
    scheduled_for: datetime
    trigger: str  # "schedule" or "catch_up"


@dataclass
class Plan:
    runs: list[Planned] = field(default_factory=list)
    # Missed occurrences that will not run: how many, the first and the last of them.
    skipped_count: int = 0
    skipped_first: datetime | None = None
    skipped_last: datetime | None = None
    missed_count: int = 0
    missed_more: bool = False
    next_run_at: datetime | None = None
    disable: bool = False


def plan(
    schedule: Schedule,
    due: datetime,
    now: datetime,
    *,
    policy: str,
    grace: timedelta,
    run_all_limit: int,
    one_time: bool = False,
    runs_left: int | None = None,
) -> Plan:
    """Return the plan for the occurrences from `due` (the job's next run time) up to `now`."""
    cutoff = now - grace
    result = Plan()
    on_time = schedule.between(max(due, cutoff + _TICK) - _TICK, now, run_all_limit)
    on_time = [moment for moment in on_time if moment > cutoff]
    missed: list[datetime] = []
    if due <= cutoff:
        # Counted exactly up to twice the run_all limit, so that the skipped part of a bounded
        # run_all is exact too; `missed_more` says there were more than that.
        count_limit = 2 * run_all_limit
        missed_sample = schedule.between(due - _TICK, cutoff, count_limit + 1)
        latest = schedule.latest_at_or_before(cutoff, due - _TICK)
        result.missed_count = min(len(missed_sample), count_limit)
        result.missed_more = len(missed_sample) > count_limit
        if policy == MisfirePolicy.RUN_ALL:
            missed = _latest(schedule, due, cutoff, latest, run_all_limit)
        elif policy == MisfirePolicy.RUN_ONCE and not on_time and latest is not None:
            missed = [latest]
        ran = set(missed)
        not_run = [m for m in missed_sample if m not in ran]
        if result.missed_count > len(missed) or result.missed_more:
            result.skipped_count = max(result.missed_count - len(missed), 1)
            result.skipped_first = not_run[0] if not_run else due
            result.skipped_last = _latest_not_run(schedule, due, latest, ran)
    result.runs = [Planned(m, "catch_up") for m in missed]
    result.runs += [Planned(m, "schedule") for m in on_time]
    if one_time and (result.runs or result.skipped_count):
        result.runs = result.runs[-1:] if result.runs else []
        result.disable = True
        return result
    if runs_left is not None:
        result.runs = result.runs[: max(runs_left, 0)]
    result.next_run_at = schedule.next_after(now)
    return result


def _latest(
    schedule: Schedule, due: datetime, cutoff: datetime, latest: datetime | None, limit: int
) -> list[datetime]:
    """Return the `limit` most recent occurrences in [due, cutoff], oldest first."""
    found: list[datetime] = []
    moment = latest
    while moment is not None and len(found) < limit:
        found.append(moment)
        moment = schedule.latest_at_or_before(moment - _TICK, due - _TICK)
    return sorted(found)


def _latest_not_run(
    schedule: Schedule, due: datetime, latest: datetime | None, ran: set[datetime]
) -> datetime | None:
    moment = latest
    while moment is not None and moment in ran:
        moment = schedule.latest_at_or_before(moment - _TICK, due - _TICK)
    return moment
