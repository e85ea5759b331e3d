"""Notification URLs reach no internal address: refused when saved, before sending and when
Apprise connects, and a test send tells a user who is not staff only "sent" or "failed"."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from tests.graphql.client import GraphQLClient
from tests.notifications.flow import finish
from tests.notifications.peers import SmtpServer, WebhookReceiver
from tests.security.conftest import DEFAULT_POLICY, INTERNAL_HOSTS
from tests.security.receiver import Receiver
from thx_cron.security import outbound
from thx_cron_notifications import delivery, processing
from thx_cron_notifications.models import NotificationDelivery, NotificationRule

CREATE = """
mutation($input: NotificationRuleInput!) {
  createNotificationRule(input: $input) {
    ... on NotificationRule { id }
    ... on OperationInfo { messages { field message } }
  }
}"""
TEST = """
mutation($id: ID!) {
  testNotificationRule(id: $id) { ... on NotificationTestResult { ok error } }
}"""


def _target(scheme: str, host: str, port: int) -> str:
    if scheme == "mailto":
        return f"mailto://bot:pw@{host}:{port}?to=ops@example.com&from=bot@example.com"
    return f"{scheme}://{host}:{port}/hook"


@DEFAULT_POLICY
@pytest.mark.parametrize("scheme", ["json", "form", "xml", "mailto"])
@pytest.mark.parametrize("host", INTERNAL_HOSTS)
def test_a_rule_naming_an_internal_address_is_refused_when_saved(
    scheme: str, host: str, user: Any
) -> None:
    rule = NotificationRule(
        owner=user, name="r", urls=[_target(scheme, host, 9)], events=["failed"]
    )
    with pytest.raises(ValidationError) as caught:
        rule.full_clean(exclude=["jobs"])
    [message] = caught.value.message_dict["urls"]
    assert "address, which is refused" in message and "pw" not in message


@DEFAULT_POLICY
def test_an_smtp_host_given_as_a_parameter_is_checked_too(user: Any) -> None:
    url = "mailto://bot:pw@example.com?smtp=127.0.0.1&to=ops@example.com&mode=insecure"
    rule = NotificationRule(owner=user, name="r", urls=[url], events=["failed"])
    with pytest.raises(ValidationError, match="loopback address"):
        rule.full_clean(exclude=["jobs"])


@DEFAULT_POLICY
@pytest.mark.django_db(transaction=True)
def test_the_create_mutation_names_the_urls_field(client_for: Any, user: Any) -> None:
    values = {"name": "probe", "urls": ["json://169.254.169.254/latest"], "events": ["FAILED"]}
    answer = client_for(user).execute(CREATE, {"input": values})["data"]
    [message] = answer["createNotificationRule"]["messages"]
    assert message["field"] == "urls" and "link-local address" in message["message"]
    assert not NotificationRule.objects.exists()


def test_a_rule_saved_while_allowed_is_refused_at_send_time(
    make_rule: Any, make_job: Any, user: Any, webhook: WebhookReceiver, smtp: SmtpServer
) -> None:
    make_rule(user, urls=[webhook.url(), smtp.url()])  # the suite allows loopback
    finish(make_job(owner=user))
    [pk] = processing.process_new_events()
    with DEFAULT_POLICY:
        assert delivery.send(pk) == NotificationDelivery.Status.FAILED
    row = NotificationDelivery.objects.get(pk=pk)
    assert row.last_error.count("loopback address, which is refused") == 2
    assert webhook.received == [] and smtp.mails == []


@override_settings(
    THX_CRON_OUTBOUND_ALLOWED_HOSTS=["127.0.0.1"], THX_CRON_OUTBOUND_ALLOWED_NETWORKS=[]
)
def test_a_redirect_apprise_follows_to_a_refused_address_is_stopped_at_connect(
    make_rule: Any, make_job: Any, user: Any, receiver: Receiver
) -> None:
    receiver.status, receiver.redirect_to = 307, "http://169.254.169.254/latest/meta-data"
    make_rule(user, urls=[f"json://127.0.0.1:{receiver.port}/hook"])
    finish(make_job(owner=user))
    [pk] = processing.process_new_events()
    assert delivery.send(pk) == NotificationDelivery.Status.FAILED
    assert receiver.paths == ["/hook"]
    last_error = NotificationDelivery.objects.get(pk=pk).last_error
    assert "connecting to a link-local address is refused" in last_error


@DEFAULT_POLICY
def test_the_connection_guard_refuses_before_connecting(receiver: Receiver) -> None:
    with outbound.guarded() as refused, pytest.raises(outbound.OutboundRefused):
        socket.create_connection(("127.0.0.1", receiver.port), timeout=2)
    assert refused and receiver.paths == []
    socket.create_connection(("127.0.0.1", receiver.port), timeout=2).close()  # outside: free


def _test_send(client: GraphQLClient, rule_id: str) -> dict[str, Any]:
    return client.execute(TEST, {"id": rule_id})["data"]["testNotificationRule"]


@pytest.mark.django_db(transaction=True)
def test_a_failed_test_send_tells_a_user_only_that_it_failed(
    client_for: Any, user: Any, staff_user: Any
) -> None:
    values = {"name": "probe", "urls": ["json://127.0.0.1:9/closed"], "events": ["FAILED"]}
    for owner in (user, staff_user):
        client = client_for(owner)
        made = client.execute(CREATE, {"input": values})["data"]["createNotificationRule"]
        result = _test_send(client, made["id"])
        assert result["ok"] is False
        if owner.is_staff:
            assert result["error"].startswith("json://127.0.0.1:9/****")
        else:
            assert result["error"] == "failed"
            test = NotificationDelivery.objects.get(rule__owner=user)
            assert test.last_error == "failed"
