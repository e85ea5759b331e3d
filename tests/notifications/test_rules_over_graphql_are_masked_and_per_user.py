"""The GraphQL API of rules: masked URLs, per-user isolation, bad input changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.graphql.client import GraphQLClient
from tests.notifications.peers import WebhookReceiver
from thx_cron_graphql.models import ApiToken
from thx_cron_notifications.models import NotificationDelivery, NotificationRule

MAILTO = "mailto://bot:hunter2@127.0.0.1:9?to=ops@example.com&from=bot@example.com"
CREATE = """
mutation($input: NotificationRuleInput!) {
  createNotificationRule(input: $input) {
    ... on NotificationRule { id name urls events }
    ... on OperationInfo { messages { field message } }
  }
}"""


@pytest.fixture
def client_for() -> Callable[[Any], GraphQLClient]:
    def make(user: Any) -> GraphQLClient:
        _, secret = ApiToken.issue(user, "tests")
        return GraphQLClient(token=secret)

    return make


def create(client: GraphQLClient, **fields: Any) -> dict[str, Any]:
    values = {"name": "ops", "urls": [MAILTO], "events": ["FAILED"], **fields}
    return client.execute(CREATE, {"input": values})["data"]["createNotificationRule"]


@pytest.mark.django_db(transaction=True)
def test_a_created_rule_reads_back_with_masked_urls_to_its_owner_only(
    client_for: Any, user: Any, other_user: Any
) -> None:
    alice, bob = client_for(user), client_for(other_user)
    made = create(alice)
    assert made["urls"] == [
        "mailto://bot:****@127.0.0.1:9/ops%40example.com?" + made["urls"][0].split("?", 1)[1]
    ]
    listing = alice.execute("{ notificationRules { edges { node { name urls } } } }")
    assert "hunter2" not in str(listing)
    assert listing["data"]["notificationRules"]["edges"][0]["node"]["name"] == "ops"
    theirs = bob.execute(
        "{ notificationRules { totalCount } notificationDeliveries { totalCount } }"
    )
    assert theirs["data"] == {
        "notificationRules": {"totalCount": 0},
        "notificationDeliveries": {"totalCount": 0},
    }
    denied = bob.execute(
        "mutation($id: ID!) { deleteNotificationRule(id: $id) { ... on OperationInfo "
        "{ messages { field message } } } }",
        {"id": made["id"]},
    )
    assert denied["data"]["deleteNotificationRule"]["messages"][0]["field"] == "id"
    assert NotificationRule.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_invalid_url_or_template_returns_operation_info_and_saves_nothing(
    client_for: Any, user: Any
) -> None:
    alice = client_for(user)
    bad_url = create(alice, urls=["nonsense://x"])
    assert bad_url["messages"][0]["field"] == "urls"
    assert "nonsense" in bad_url["messages"][0]["message"]
    bad_template = create(alice, bodyTemplate="{% if %}")
    assert bad_template["messages"][0]["field"] == "bodyTemplate"
    assert NotificationRule.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_test_notification_rule_sends_a_message_and_reports_the_result(
    client_for: Any, user: Any, webhook: WebhookReceiver
) -> None:
    alice = client_for(user)
    rule = create(alice, urls=[webhook.url()])
    result = alice.execute(
        "mutation($id: ID!) { testNotificationRule(id: $id) { ... on NotificationTestResult "
        "{ ok error } } }",
        {"id": rule["id"]},
    )["data"]["testNotificationRule"]
    assert result == {"ok": True, "error": None}
    assert webhook.received[0].payload["title"] == "[thx-cron] test of rule ops"
    assert NotificationDelivery.objects.get().status == NotificationDelivery.Status.SENT
