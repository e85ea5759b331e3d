"""Duration conditions: slower than S seconds or k times the median, faster than S, running long."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone

from tests.notifications.test_the_pure_matcher_applies_scope_streaks_and_throttling import (
    event,
    rule,
)
from thx_cron import lifecycle
from thx_cron.models import Job, JobLog
from thx_cron_notifications import processing
from thx_cron_notifications.models import NotificationRule
from thx_cron_notifications.rules import Match, match
from thx_cron_notifications.running_long import notify_running_long


def test_a_run_slower_than_the_rule_s_seconds_is_slow() -> None:
    slow = rule({"slow"}, slower_than_seconds=60.0)
    assert match(event("succeeded", duration_seconds=61.0), [slow]) == [Match(7, "slow")]
    assert match(event("failed", duration_seconds=61.0), [slow]) == [Match(7, "slow")]
    assert match(event("succeeded", duration_seconds=59.0), [slow]) == []


def test_a_run_slower_than_k_times_the_median_is_slow() -> None:
    slow = rule({"slow"}, slower_than_median_factor=3.0, median_of_last_runs=10)
    medians = {10: 20.0}
    assert match(event("succeeded", duration_seconds=61.0, medians=medians), [slow])
    assert not match(event("succeeded", duration_seconds=59.0, medians=medians), [slow])
    # Without earlier runs there is no median to be slower than.
    assert not match(event("succeeded", duration_seconds=500.0, medians={10: None}), [slow])


def test_a_success_faster_than_the_rule_s_seconds_is_fast_but_a_failure_is_a_failure() -> None:
    fast = rule({"fast", "failed"}, faster_than_seconds=600.0)
    assert match(event("succeeded", duration_seconds=120.0), [fast]) == [Match(7, "fast")]
    assert match(event("succeeded", duration_seconds=3000.0), [fast]) == []
    assert match(event("failed", duration_seconds=120.0), [fast]) == [Match(7, "failed")]


def test_slow_is_told_rather_than_a_plain_success() -> None:
    both = rule({"succeeded", "slow"}, slower_than_seconds=1.0)
    assert match(event("succeeded", duration_seconds=2.0), [both]) == [Match(7, "slow")]
    assert match(event("succeeded", duration_seconds=0.5), [both]) == [Match(7, "succeeded")]


def _run(job: Job, seconds: float, start: datetime) -> JobLog:
    run = lifecycle.create_run(job, now=start)
    started = lifecycle.start(job, run, now=start)
    assert started is not None
    return lifecycle.complete(job, started, None, now=start + timedelta(seconds=seconds))


def test_the_median_comes_from_the_job_s_earlier_succeeded_runs(
    make_rule: Any, make_job: Any, user: Any
) -> None:
    job = make_job(owner=user)
    start = timezone.now() - timedelta(hours=1)
    for number, seconds in enumerate([10.0, 11.0, 12.0]):
        _run(job, seconds, start + timedelta(minutes=number))
    rule_ = make_rule(user, events=["slow"], slower_than_median_factor=2.0, median_of_last_runs=3)
    NotificationRule.objects.filter(pk=rule_.pk).update(created_at=start - timedelta(hours=1))
    _run(job, 23.0, start + timedelta(minutes=10))  # more than 2 x 11
    _run(job, 21.0, start + timedelta(minutes=20))  # less than 2 x 12 (median of 11, 12, 23)
    processing.process_new_events()
    assert list(rule_.deliveries.values_list("event", "run__duration_seconds")) == [("slow", 23.0)]


def test_a_run_still_running_past_the_threshold_is_told_once_per_rule(
    make_rule: Any, make_job: Any, user: Any
) -> None:
    job = make_job(owner=user, timeout_seconds=300)
    now = datetime(2030, 1, 1, 12, tzinfo=UTC)
    run = lifecycle.start(job, lifecycle.create_run(job, now=now), now=now)
    assert run is not None
    rule_ = make_rule(user, events=["running_long"], running_longer_than_seconds=120)
    assert notify_running_long(now + timedelta(seconds=119)) == []
    made = notify_running_long(now + timedelta(seconds=121))
    assert len(made) == 1
    assert notify_running_long(now + timedelta(seconds=200)) == []
    (delivery,) = rule_.deliveries.all()
    assert (delivery.event, delivery.run_id, delivery.status) == ("running_long", run.pk, "pending")


SLOW_RULE = """mutation($input: NotificationRuleInput!) { createNotificationRule(input: $input) {
    ... on NotificationRule { events slowerThanSeconds fasterThanSeconds medianOfLastRuns }
    ... on OperationInfo { messages { field message } } } }"""


def test_duration_events_need_their_thresholds_and_bad_ones_are_named(user: Any) -> None:
    from tests.graphql.client import GraphQLClient
    from thx_cron_graphql.models import ApiToken

    _, secret = ApiToken.issue(user, "tests")
    client = GraphQLClient(token=secret)
    base = {"name": "timing", "urls": ["json://127.0.0.1:9/hook"]}
    answer = client.data(SLOW_RULE, {"input": {**base, "events": ["SLOW", "FAST"]}})
    fields = {m["field"]: m["message"] for m in answer["createNotificationRule"]["messages"]}
    assert "slower_than_median_factor" in fields["slowerThanSeconds"]
    assert "needs faster_than_seconds" in fields["fasterThanSeconds"]
    bad = {**base, "events": ["SLOW"], "slowerThanMedianFactor": 0.5}
    answer = client.data(SLOW_RULE, {"input": bad})
    (message,) = answer["createNotificationRule"]["messages"]
    assert message["field"] == "slowerThanMedianFactor" and "more than 1" in message["message"]
    assert not NotificationRule.objects.exists()
    good = {**base, "events": ["SLOW", "FAST"], "slowerThanSeconds": 90, "fasterThanSeconds": 5}
    created = client.data(SLOW_RULE, {"input": good})["createNotificationRule"]
    assert created == {
        "events": ["SLOW", "FAST"],
        "slowerThanSeconds": 90.0,
        "fasterThanSeconds": 5.0,
        "medianOfLastRuns": 20,
    }


def test_operator_rules_from_settings_take_the_thresholds(settings: Any, db: Any) -> None:
    from thx_cron_notifications import global_rules

    base = {"name": "slow-ops", "urls": ["json://127.0.0.1:9/hook"], "events": ["slow"]}
    settings.THX_CRON_NOTIFICATION_RULES = [{**base, "slower_than_median_factor": 3}]
    (synced,) = global_rules.sync()
    assert (synced.slower_than_median_factor, synced.median_of_last_runs) == (3, 20)
    settings.THX_CRON_NOTIFICATION_RULES = [base, {**base, "name": "x", "faster_than_seconds": "1"}]
    assert global_rules.problems() == [
        'THX_CRON_NOTIFICATION_RULES[0].slower_than_seconds: The "slow" event needs '
        "slower_than_seconds or slower_than_median_factor.",
        "THX_CRON_NOTIFICATION_RULES[1].faster_than_seconds must be a number.",
    ]
