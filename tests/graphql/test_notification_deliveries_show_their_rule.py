"""A delivery's rule can be selected through notificationDeliveries, and only by its owner."""

from __future__ import annotations

from typing import Any

from thx_cron_notifications.models import NotificationDelivery, NotificationRule

DELIVERIES = """{ notificationDeliveries { totalCount edges { node {
    event rule { name urls }
} } } }"""


def deliver(owner: Any, name: str) -> NotificationRule:
    rule = NotificationRule.objects.create(
        owner=owner, name=name, urls=["json://bob:hunter2@127.0.0.1:9/hook"], events=["failed"]
    )
    NotificationDelivery.objects.create(rule=rule, event="failed", title=f"{name} failed")
    return rule


def test_each_user_sees_only_their_own_deliveries_with_their_own_rule(
    alice: Any, bob: Any, user: Any, other_user: Any
) -> None:
    deliver(user, "alice-rule")
    deliver(other_user, "bob-rule")
    deliver(None, "operator-rule")
    for client, name in ((alice, "alice-rule"), (bob, "bob-rule")):
        data = client.data(DELIVERIES)["notificationDeliveries"]
        assert data["totalCount"] == 1
        [edge] = data["edges"]
        assert edge["node"]["event"] == "failed"
        assert edge["node"]["rule"]["name"] == name
        assert "hunter2" not in str(edge)


def test_staff_see_every_delivery_with_its_rule(client_for: Any, staff_user: Any) -> None:
    for name in ("first", "second", "operator"):
        deliver(None, name)
    data = client_for(staff_user).data(DELIVERIES)["notificationDeliveries"]
    names = sorted(edge["node"]["rule"]["name"] for edge in data["edges"])
    assert names == ["first", "operator", "second"]
