"""Rule events and scope, and delivery status, are enums, as job and run fields are."""

from __future__ import annotations

from typing import Any

from thx_cron_notifications.models import NotificationDelivery, NotificationRule

CREATE = """mutation($input: NotificationRuleInput!) { createNotificationRule(input: $input) {
    ... on NotificationRule { events scope } ... on OperationInfo { messages { message } } } }"""


def test_a_rule_is_created_and_read_with_enum_events_and_scope(alice: Any) -> None:
    rule = {"name": "r", "urls": ["json://127.0.0.1:9/hook"], "events": ["FAILED", "RECOVERED"]}
    created = alice.data(CREATE, {"input": {**rule, "scope": "ALL"}})["createNotificationRule"]
    assert created == {"events": ["FAILED", "RECOVERED"], "scope": "ALL"}
    # Stored as the model's own values, which the matcher reads.
    assert NotificationRule.objects.get().events == ["failed", "recovered"]
    answer = alice.execute(CREATE, {"input": {**rule, "events": ["failed"]}})
    assert "NotificationEvent" in answer["errors"][0]["message"]


def test_a_delivery_s_status_is_an_enum(alice: Any, user: Any) -> None:
    rule = NotificationRule.objects.create(
        owner=user, name="r", urls=["json://127.0.0.1:9/hook"], events=["failed"]
    )
    NotificationDelivery.objects.create(rule=rule, event="failed", status="sent")
    data = alice.data("{ notificationDeliveries { edges { node { status event } } } }")
    assert data["notificationDeliveries"]["edges"] == [
        {"node": {"status": "SENT", "event": "failed"}}
    ]
