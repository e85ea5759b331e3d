"""Turn committed job events into deliveries: read the outbox, match rules, enqueue sends.

Matching holds a lock on the cursor row, so processes take turns; throttling and the
consecutive-failure condition therefore read a database that no other matcher is changing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import router, transaction
from django.utils import timezone

from thx_cron import durations
from thx_cron.conf import thx_settings
from thx_cron.models import Job, JobEvent, JobLog
from thx_cron_notifications import rendering, rules
from thx_cron_notifications.conf import notify_settings
from thx_cron_notifications.models import EventCursor, NotificationDelivery, NotificationRule
from thx_cron_notifications.queue import enqueue_send

logger = logging.getLogger(__name__)

CURSOR = "notifications"
BATCH = 500


# How long a process trusts its answer to "which event kinds does any enabled rule want?"
# before asking again.
LISTENERS_TTL = 2.0
_listeners_checked: tuple[float, frozenset[str]] = (0.0, frozenset())


def wanted_kinds() -> frozenset[str]:
    """Return the job event kinds some enabled rule can be told by (none: no rule is enabled, or
    none can hear of any event), asked at most every LISTENERS_TTL seconds.

    Runs commit several events each; an event no rule can be told by has nothing to match, and
    skipping the matcher (and the cursor's write lock) keeps runs from queueing behind one
    another: with only a rule on failures, successes cost nothing here.
    """
    global _listeners_checked
    checked_at, kinds = _listeners_checked
    if time.monotonic() - checked_at > LISTENERS_TTL:
        kinds = _heard(NotificationRule.objects.active().values_list("events", flat=True))
        _listeners_checked = (time.monotonic(), kinds)
    return kinds


def _heard(listed: Iterable[object]) -> frozenset[str]:
    """The job event kinds rules asking for the event lists `listed` can be told by."""
    return rules.source_kinds(
        event
        for events in listed
        if isinstance(events, list)
        for event in events
        if isinstance(event, str)
    )


def forget_listeners(**kwargs: object) -> None:
    """Ask again on the next event (a rule was saved or deleted in this process)."""
    global _listeners_checked
    _listeners_checked = (0.0, frozenset())


def process_new_events_task() -> int:
    """The django-q2 task: match new events; return how many deliveries were made."""
    return len(process_new_events())


def process_new_events(*, now: datetime | None = None, lookback: bool = False) -> list[int]:
    """Match the events after the cursor (and, with `lookback`, recent ones again)."""
    now = now or timezone.now()
    using = router.db_for_write(EventCursor)
    with transaction.atomic(using=using):
        cursor, _ = EventCursor.objects.select_for_update().get_or_create(name=CURSOR)
        matcher = _Matcher(list(NotificationRule.objects.active().prefetch_related("jobs")))
        # Read before the wanted events: an event written after it is either read with them or
        # stays after the cursor.
        latest = JobEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        if not matcher.kinds:
            # Nothing to match: move past everything, since rules never fire for older events.
            _move_cursor(cursor, latest)
            return []
        interesting = _interesting(matcher.kinds)
        fresh = list(interesting.filter(id__gt=cursor.last_event_id)[:BATCH])
        events = fresh
        if lookback:
            # An event may commit after a later one (concurrent writers on PostgreSQL) and so
            # slip behind the cursor; matching recent events again is harmless (one per rule).
            since = now - timedelta(seconds=notify_settings.LOOKBACK)
            late = interesting.filter(id__lte=cursor.last_event_id, occurred_at__gte=since)
            events = list(late) + fresh
        created = matcher.deliveries(events)
        if len(fresh) == BATCH:
            _move_cursor(cursor, fresh[-1].pk)
        else:  # every wanted event is read: past the others too, which no rule can hear of
            _move_cursor(cursor, max(latest, fresh[-1].pk if fresh else 0))
        timeout = notify_settings.TIMEOUT
        transaction.on_commit(lambda: _enqueue_sends(created, timeout), using=using)
    return created


def _move_cursor(cursor: EventCursor, to: int) -> None:
    if to > cursor.last_event_id:
        cursor.last_event_id = to
        cursor.save(update_fields=["last_event_id", "updated_at"])


def _enqueue_sends(delivery_ids: list[int], timeout: float) -> None:
    for pk in delivery_ids:
        enqueue_send(pk, timeout)


def _interesting(kinds: frozenset[str]):  # type: ignore[no-untyped-def]
    return JobEvent.objects.filter(kind__in=kinds).select_related("job", "run").order_by("id")


class _Matcher:
    """The enabled rules of one matching pass, read once with their jobs, and when each last
    made a delivery about each job (for throttling), read once for the pass's events."""

    def __init__(self, active: list[NotificationRule]) -> None:
        self.rules = active
        self.facts = {
            rule.pk: rule.facts(frozenset(job.pk for job in rule.jobs.all())) for rule in active
        }
        self.kinds = _heard(rule.events for rule in active)
        self.last: dict[int, dict[int, datetime]] = {}

    def deliveries(self, events: list[JobEvent]) -> list[int]:
        """Make the deliveries of `events`, in order; return their ids."""
        if not events:
            return []
        self.last = NotificationDelivery.objects.last_notified_many(
            {event.job_id for event in events}, list(self.facts)
        )
        return [pk for event in events for pk in self._deliveries_for(event)]

    def _deliveries_for(self, event: JobEvent) -> list[int]:
        job = event.job
        # The operator's rules and the job owner's (NotificationRule.objects.for_owner); a new
        # rule does not alert on old events.
        candidates = [
            rule
            for rule in self.rules
            if rule.owner_id in (None, job.owner_id) and rule.created_at <= event.occurred_at
        ]
        if not candidates:
            return []
        data = event.data or {}
        by_id = {rule.pk: rule for rule in candidates}
        rule_facts = [self.facts[rule.pk] for rule in candidates]
        duration = event.run.duration_seconds if event.run is not None else None
        facts = rules.EventFacts(
            id=event.pk,
            kind=event.kind,
            job_id=job.pk,
            job_owner_id=job.owner_id,
            job_tags=frozenset(tag for tag in job.tags or [] if isinstance(tag, str)),
            occurred_at=event.occurred_at,
            consecutive_failures=int(data.get("consecutive_failures", 0) or 0),
            previous_consecutive_failures=int(data.get("previous_consecutive_failures", 0) or 0),
            duration_seconds=duration,
            medians=_medians(event, rule_facts) if duration is not None else {},
        )
        last = self.last.setdefault(job.pk, {})
        made = []
        for found in rules.match(facts, rule_facts, last):
            rule = by_id[found.rule_id]
            if NotificationDelivery.objects.filter(rule=rule, source_event_id=event.pk).exists():
                continue  # matched before (the sweep's second look)
            made.append(
                make_delivery(rule, job, event.run, found.event, data, event.occurred_at, event.pk)
            )
            if rule.pk not in last or last[rule.pk] < event.occurred_at:
                last[rule.pk] = event.occurred_at  # what last_notified_many now reads
        return made


def _medians(event: JobEvent, rule_facts: list[rules.RuleFacts]) -> dict[int, float | None]:
    """The medians of earlier succeeded runs that rules comparing against one need, by count."""
    wanted = {
        rule.median_of_last_runs
        for rule in rule_facts
        if "slow" in rule.events and rule.slower_than_median_factor is not None
    }
    return {
        count: durations.median_of_succeeded(event.job_id, count, before_run=event.run_id)
        for count in wanted
    }


def make_delivery(
    rule: NotificationRule,
    job: Job,
    run: JobLog | None,
    event: str,
    data: dict[str, object],
    occurred_at: datetime,
    source_event_id: int | None,
) -> int:
    """Create the delivery of `rule` about `event` of `run`, rendered; return its id."""
    context = rendering.run_context(
        job, run, event, data, rule.name, run_link(run.pk if run is not None else None)
    )
    delivery = NotificationDelivery.objects.create(
        rule=rule,
        job=job,
        run=run,
        source_event_id=source_event_id,
        event=event,
        occurred_at=occurred_at,
        title=rendering.render(rule.title_template, context, rendering.MAX_TITLE),
        body=rendering.render(rule.body_template, context),
    )
    return delivery.pk


def run_link(run_id: int | None) -> str:
    """Return the admin page of a run under THX_CRON_BASE_URL."""
    base = thx_settings.BASE_URL.rstrip("/")
    if run_id is None:
        return base + "/admin/thx_cron/job/"
    return f"{base}/admin/thx_cron/joblog/{run_id}/change/"
