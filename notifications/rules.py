"""Pure rule matching: which rules want to hear about one job event.

Nothing here touches the ORM, settings or the clock; `notifications.processing` gathers the facts
from the database (including when each rule last notified about the job) and hands them in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType


class Event(StrEnum):
    """The notification events a rule can ask for, in the order users read them."""

    STARTED = "started"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TIMED_OUT = "timed_out"
    LOST = "lost"
    MISSED = "missed"
    RECOVERED = "recovered"
    SLOW = "slow"
    FAST = "fast"
    RUNNING_LONG = "running_long"


# Events about how long a run took (or is taking), each needing its rule's threshold.
DURATION_EVENTS = frozenset({Event.SLOW, Event.FAST, Event.RUNNING_LONG})
FAILURE_EVENTS = frozenset({Event.FAILED, Event.TIMED_OUT, Event.LOST})
# Job event kinds that can turn into a notification; others (queued, output…) never do.
SOURCE_KINDS = frozenset({"started", "succeeded", "failed", "timed_out", "lost", "missed"})

# The job event kinds that can tell each notification event: a rule asking only for failures
# has nothing to hear from a success. running_long: none; the sweep looks at running runs.
TOLD_BY: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        Event.STARTED: frozenset({"started"}),
        Event.SUCCEEDED: frozenset({"succeeded"}),
        Event.FAILED: frozenset({"failed"}),
        Event.TIMED_OUT: frozenset({"timed_out"}),
        Event.LOST: frozenset({"lost"}),
        Event.MISSED: frozenset({"missed"}),
        Event.RECOVERED: frozenset({"succeeded"}),
        Event.SLOW: frozenset({"succeeded", "failed"}),
        Event.FAST: frozenset({"succeeded"}),
        Event.RUNNING_LONG: frozenset(),
    }
)


def source_kinds(events: Iterable[str]) -> frozenset[str]:
    """The job event kinds that can match a rule asking for `events` (unknown ones: none)."""
    return frozenset().union(*(TOLD_BY.get(event, frozenset()) for event in events))


SCOPE_ALL = "all"
SCOPE_JOBS = "jobs"
SCOPE_TAGS = "tags"


@dataclass(frozen=True)
class EventFacts:
    """What matching needs to know about one job event."""

    id: int
    kind: str
    job_id: int
    job_owner_id: int | None
    job_tags: frozenset[str]
    occurred_at: datetime
    consecutive_failures: int = 0
    previous_consecutive_failures: int = 0
    # How long the run took, and the median of the job's earlier succeeded runs, by how many.
    duration_seconds: float | None = None
    medians: Mapping[int, float | None] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class RuleFacts:
    """What matching needs to know about one rule; `owner_id` None is an operator rule."""

    id: int
    owner_id: int | None
    events: frozenset[str]
    scope: str = SCOPE_ALL
    job_ids: frozenset[int] = field(default_factory=frozenset)
    tags: frozenset[str] = field(default_factory=frozenset)
    min_failures: int = 1
    throttle_seconds: int = 0
    enabled: bool = True
    # "slow": slower than S seconds, or than k times the median of the last N succeeded runs.
    slower_than_seconds: float | None = None
    slower_than_median_factor: float | None = None
    median_of_last_runs: int = 20
    # "fast": a succeeded run faster than S seconds. "running_long": still running after S.
    faster_than_seconds: float | None = None
    running_longer_than_seconds: float | None = None


@dataclass(frozen=True)
class Match:
    rule_id: int
    event: str


def wanted_event(event: EventFacts, rule: RuleFacts) -> str | None:
    """Return the notification event `rule` wants for `event`, or None.

    A failure or recovery comes first, then a slow or fast run, then a plain success.
    """
    status = _status_event(event, rule)
    if status not in (None, "succeeded"):
        return status
    return _duration_event(event, rule) or status


def is_slow(event: EventFacts, rule: RuleFacts) -> bool:
    """Return whether the run took longer than the rule's absolute or relative threshold."""
    duration = event.duration_seconds
    if duration is None:
        return False
    if rule.slower_than_seconds is not None and duration > rule.slower_than_seconds:
        return True
    if rule.slower_than_median_factor is None:
        return False
    median = event.medians.get(rule.median_of_last_runs)
    return median is not None and duration > rule.slower_than_median_factor * median


def is_fast(event: EventFacts, rule: RuleFacts) -> bool:
    """Return whether the run ended sooner than the rule's lower threshold."""
    duration = event.duration_seconds
    limit = rule.faster_than_seconds
    return duration is not None and limit is not None and duration < limit


def running_long(rule: RuleFacts, running_for: float) -> bool:
    """Return whether a run running for `running_for` seconds is past the rule's threshold."""
    limit = rule.running_longer_than_seconds
    return "running_long" in rule.events and limit is not None and running_for >= limit


def _duration_event(event: EventFacts, rule: RuleFacts) -> str | None:
    if event.kind in ("succeeded", "failed") and "slow" in rule.events and is_slow(event, rule):
        return "slow"
    # A failure already says something is wrong; "fast" is about runs that claim success.
    if event.kind == "succeeded" and "fast" in rule.events and is_fast(event, rule):
        return "fast"
    return None


def _status_event(event: EventFacts, rule: RuleFacts) -> str | None:
    kind = event.kind
    if kind == "succeeded":
        threshold = max(1, rule.min_failures)
        if "recovered" in rule.events and event.previous_consecutive_failures >= threshold:
            return "recovered"
        return "succeeded" if "succeeded" in rule.events else None
    if kind in FAILURE_EVENTS:
        if event.consecutive_failures < rule.min_failures:
            return None
        return kind if kind in rule.events else None
    if kind in SOURCE_KINDS and kind in rule.events:
        return kind
    return None


def in_scope(event: EventFacts, rule: RuleFacts) -> bool:
    """Return whether the event's job is one the rule watches."""
    if rule.owner_id is not None and rule.owner_id != event.job_owner_id:
        return False  # a user's rule only ever sees that user's jobs
    if rule.scope == SCOPE_JOBS:
        return event.job_id in rule.job_ids
    if rule.scope == SCOPE_TAGS:
        return bool(rule.tags & event.job_tags)
    return True


def throttled(
    event: EventFacts, rule: RuleFacts, wanted: str, last_notified: datetime | None
) -> bool:
    """Return whether an earlier delivery about this job is still inside the throttle window."""
    # A recovery is the message that ends an incident; holding it back would leave people
    # believing the job is still broken.
    if wanted == "recovered" or not rule.throttle_seconds or last_notified is None:
        return False
    return event.occurred_at - last_notified < timedelta(seconds=rule.throttle_seconds)


def match(
    event: EventFacts,
    rules: Iterable[RuleFacts],
    last_notified: Mapping[int, datetime] | None = None,
) -> list[Match]:
    """Return the deliveries to make for `event`: at most one per rule.

    `last_notified` maps a rule id to when that rule last made a delivery about this job.
    """
    if event.kind not in SOURCE_KINDS:
        return []
    last_notified = last_notified or {}
    matches = []
    for rule in rules:
        if not rule.enabled or not in_scope(event, rule):
            continue
        wanted = wanted_event(event, rule)
        if wanted is None or throttled(event, rule, wanted, last_notified.get(rule.id)):
            continue
        matches.append(Match(rule_id=rule.id, event=wanted))
    return matches
