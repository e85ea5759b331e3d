"""A rule alerts on what happens after it exists, and runs without rules do no matching work."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.notifications.flow import finish
from thx_cron.models import JobEvent
from thx_cron_notifications import processing
from thx_cron_notifications.models import EventCursor, NotificationDelivery


def test_a_new_rule_does_not_alert_on_failures_from_before_it_existed(
    make_rule: Any, make_job: Any, user: Any
) -> None:
    job = make_job(owner=user)
    finish(job)
    rule = make_rule(user, events=["failed"])
    processing.process_new_events()
    assert NotificationDelivery.objects.count() == 0
    finish(job)
    processing.process_new_events()
    assert list(rule.deliveries.values_list("event", flat=True)) == ["failed"]


def test_without_rules_matching_moves_the_cursor_past_every_event(make_job: Any, user: Any) -> None:
    job = make_job(owner=user)
    finish(job)
    finish(job)
    processing.process_new_events()
    cursor = EventCursor.objects.get(name=processing.CURSOR)
    assert cursor.last_event_id == JobEvent.objects.order_by("-id").first().pk


def test_a_run_without_any_rule_touches_no_notification_table(
    make_job: Any, user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    job = make_job(owner=user)
    processing.forget_listeners()
    with CaptureQueriesContext(connection) as queries:
        with django_capture_on_commit_callbacks(execute=True):
            finish(job)
    touched = [q["sql"] for q in queries.captured_queries if "thx_cron_notifications" in q["sql"]]
    # One cached "is any rule enabled?" question, no cursor lock, no delivery query.
    assert len(touched) == 1 and "SELECT" in touched[0]
