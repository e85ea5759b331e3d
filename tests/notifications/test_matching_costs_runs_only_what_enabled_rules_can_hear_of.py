"""The matcher runs in the worker as events commit: once per batch of events, only when an
enabled rule can be told by one of them, with each rule and its throttling state read once per
pass. A rule on failures costs successful runs nothing; a burst of runs does not pay a cursor
lock and a rules query per event."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.notifications.flow import finish
from thx_cron import lifecycle
from thx_cron.models import JobEvent, JobLog
from thx_cron.runner import execution
from thx_cron_notifications import processing, rules
from thx_cron_notifications.models import EventCursor, NotificationDelivery

pytestmark = pytest.mark.django_db(transaction=True)

Status = JobLog.Status


def runs_of(jobs: list[Any]) -> list[int]:
    return [lifecycle.create_run(job, enqueued=True).pk for job in jobs]


def notification_queries(queries: CaptureQueriesContext) -> list[str]:
    texts = [q["sql"] or "" for q in queries.captured_queries]
    return [sql for sql in texts if "thx_cron_notifications" in sql]


def passes(queries: CaptureQueriesContext) -> int:
    """Matching passes: each reads the cursor (with a lock where the database has them)."""
    return sum(
        sql.startswith("SELECT") and 'FROM "thx_cron_notifications_eventcursor"' in sql
        for sql in notification_queries(queries)
    )


@pytest.fixture(autouse=True)
def fresh_listeners():
    processing.forget_listeners()
    yield
    processing.forget_listeners()


def test_a_rule_on_failures_costs_a_batch_of_successes_no_matching(
    make_rule: Any, make_job: Any, user: Any
) -> None:
    make_rule(user, events=["failed", "timed_out"])
    jobs = [make_job(owner=user, name=f"ok-{n}", action="tests.noop", args=[]) for n in range(12)]
    ids = runs_of(jobs)
    with CaptureQueriesContext(connection) as queries:
        execution.execute(*ids)
    assert JobLog.objects.filter(pk__in=ids, status=Status.SUCCEEDED).count() == 12
    # The cached question "which kinds do enabled rules hear of?" at most; no pass.
    assert passes(queries) == 0
    assert len(notification_queries(queries)) <= 1


def test_a_batch_of_runs_is_matched_once_per_batch_of_events_not_once_per_event(
    make_rule: Any, make_job: Any, user: Any
) -> None:
    rule = make_rule(user, events=["succeeded"])
    jobs = [make_job(owner=user, name=f"ok-{n}", action="tests.noop", args=[]) for n in range(12)]
    ids = runs_of(jobs)
    with CaptureQueriesContext(connection) as queries:
        execution.execute(*ids)
    # Every success is notified once, in run order.
    delivered = list(rule.deliveries.order_by("id").values_list("run_id", flat=True))
    assert delivered == ids
    # 12 runs write 24 started/succeeded events; they commit in a few batches (a claim group's
    # starts, a group's outcomes), each matched in one pass.
    events = JobEvent.objects.filter(run_id__in=ids, kind__in=["started", "succeeded"]).count()
    assert events == 24
    assert 1 <= passes(queries) <= 8
    # One rules query per pass (and its jobs), not one per event.
    rules_reads = [
        sql
        for sql in notification_queries(queries)
        if sql.startswith("SELECT") and 'FROM "thx_cron_notifications_notificationrule"' in sql
    ]
    assert len(rules_reads) <= 2 * passes(queries) + 1


@pytest.mark.django_db  # no commit hooks: the three failures wait for one pass
def test_throttling_within_one_pass_sees_the_delivery_the_pass_made(
    make_rule: Any, make_job: Any, user: Any
) -> None:
    rule = make_rule(user, events=["failed"], throttle_seconds=3600)
    job = make_job(owner=user)
    processing.process_new_events()  # the cursor starts here
    for _ in range(3):
        finish(job)
    assert processing.process_new_events() != []
    # Three failures in one pass: the first is notified, the next two are throttled.
    assert list(rule.deliveries.values_list("event", flat=True)) == ["failed"]


@pytest.mark.django_db  # no commit hooks: each pass is this test's own
def test_the_cursor_moves_past_events_no_rule_hears_of_and_stops_at_none_it_would(
    make_rule: Any, make_job: Any, user: Any
) -> None:
    rule = make_rule(user, events=["failed"])
    job = make_job(owner=user)
    processing.process_new_events()
    for _ in range(3):
        finish(job, Status.SUCCEEDED)
    processing.process_new_events()
    cursor = EventCursor.objects.get(name=processing.CURSOR)
    assert cursor.last_event_id == JobEvent.objects.order_by("-id").first().pk
    failed = finish(job)
    processing.process_new_events()
    assert list(rule.deliveries.values_list("run_id", flat=True)) == [failed.pk]


def test_a_rule_asking_only_for_running_long_does_not_match_events(
    make_rule: Any, make_job: Any, user: Any
) -> None:
    make_rule(user, events=["running_long"], running_longer_than_seconds=60)
    job = make_job(owner=user)
    finish(job)
    assert processing.wanted_kinds() == frozenset()
    assert processing.process_new_events() == []
    assert NotificationDelivery.objects.count() == 0


EVENT_FACTS = [
    dict(consecutive_failures=c, previous_consecutive_failures=p, duration_seconds=d)
    for c in (0, 1, 3)
    for p in (0, 1, 3)
    for d in (None, 0.001, 10_000.0)
]


@pytest.mark.parametrize("wanted", [event.value for event in rules.Event])
def test_a_rule_is_told_only_by_the_kinds_source_kinds_names(wanted: str) -> None:
    """Whatever the facts, a job event that matches a rule asking for `wanted` is of a kind
    that source_kinds names for it (so skipping the other kinds loses no notification), and
    each kind it names can match."""
    rule = rules.RuleFacts(
        id=1,
        owner_id=None,
        events=frozenset({wanted}),
        scope=rules.SCOPE_ALL,
        job_ids=frozenset(),
        tags=frozenset(),
        min_failures=1,
        throttle_seconds=0,
        enabled=True,
        slower_than_seconds=1.0,
        slower_than_median_factor=None,
        median_of_last_runs=20,
        faster_than_seconds=1.0,
        running_longer_than_seconds=60,
    )
    now = timezone.now()
    heard = set()
    for kind in sorted(rules.SOURCE_KINDS | {"queued", "output", "skipped", "cancelled"}):
        for facts in EVENT_FACTS:
            event = rules.EventFacts(
                id=1,
                kind=kind,
                job_id=1,
                job_owner_id=None,
                job_tags=frozenset(),
                occurred_at=now - timedelta(seconds=1),
                **facts,
            )
            if rules.match(event, [rule]):
                heard.add(kind)
    assert heard == set(rules.source_kinds([wanted]))
