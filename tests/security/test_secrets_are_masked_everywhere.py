"""Every secret of a notification URL is masked wherever a URL or an error can appear: rule
URLs over GraphQL, delivery errors, test results, the server log and the admin pages."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client, override_settings

from tests.notifications.flow import finish
from thx_cron_notifications import delivery, processing
from thx_cron_notifications.models import NotificationDelivery, NotificationRule

# Nothing listens on port 9: every send fails with a connection error.
URL = (
    "json://bob:hunter2@127.0.0.1:9/hook/pathsecret1?-token=getsecret1"
    "&+Authorization=Bearer%20headersecret1&:key=payloadsecret1#fragsecret1"
)
SECRETS = ["hunter2", "pathsecret1", "getsecret1", "headersecret1", "payloadsecret1", "fragsecret1"]
CREATE = """
mutation($input: NotificationRuleInput!) {
  createNotificationRule(input: $input) { ... on NotificationRule { id urls } }
}"""
READ = """{
  notificationRules { edges { node { urls } } }
  notificationDeliveries { edges { node { lastError } } }
}"""
TEST = """
mutation($id: ID!) {
  testNotificationRule(id: $id) { ... on NotificationTestResult { ok error } }
}"""


def assert_masked(text: str) -> None:
    shown = [secret for secret in SECRETS if secret in text]
    assert shown == [], f"secrets in clear: {shown}"


@pytest.mark.django_db(transaction=True)
def test_graphql_shows_urls_errors_and_test_results_masked(
    client_for: Any, staff_user: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_for(staff_user)
    values = {"name": "secret", "urls": [URL], "events": ["FAILED"]}
    made = client.execute(CREATE, {"input": values})["data"]["createNotificationRule"]
    assert made["urls"][0].startswith("json://bob:****@127.0.0.1:9/****/****?")
    assert "%2BAuthorization=****" in made["urls"][0] and "-token=****" in made["urls"][0]
    with caplog.at_level(logging.DEBUG):
        result = client.execute(TEST, {"id": made["id"]})["data"]["testNotificationRule"]
    assert result["ok"] is False and result["error"]
    read = client.execute(READ)["data"]
    assert read["notificationDeliveries"]["edges"][0]["node"]["lastError"]
    for text in (str(made), str(result), str(read), caplog.text):
        assert_masked(text)
    assert "127.0.0.1" in caplog.text  # the log did record the failure


def _failed_delivery(make_rule: Any, make_job: Any, user: Any) -> NotificationDelivery:
    make_rule(user, urls=[URL])
    finish(make_job(owner=user))
    [pk] = processing.process_new_events()
    delivery.send(pk)
    return NotificationDelivery.objects.get(pk=pk)


def test_delivery_errors_and_the_server_log_are_masked(
    make_rule: Any, make_job: Any, user: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        row = _failed_delivery(make_rule, make_job, user)
    assert row.last_error.startswith("json://bob:****@127.0.0.1:9/")
    assert_masked(row.last_error + caplog.text)


def test_an_error_stored_in_clear_by_an_older_version_is_shown_masked(
    make_rule: Any, make_job: Any, user: Any
) -> None:
    row = _failed_delivery(make_rule, make_job, user)
    row.last_error = f"failed: {URL} said no to Bearer headersecret1 (hunter2)"
    row.save()
    assert_masked(row.masked_error)
    assert row.masked_error.startswith("failed: json://bob:****@127.0.0.1:9/****/****?")


@override_settings(ROOT_URLCONF="tests.notifications.admin_urls")
def test_the_admin_rule_and_delivery_pages_are_masked(
    make_rule: Any, make_job: Any, user: Any, staff_user: Any, client: Client
) -> None:
    staff_user.is_superuser = True
    staff_user.save()
    row = _failed_delivery(make_rule, make_job, user)
    NotificationDelivery.objects.filter(pk=row.pk).update(last_error=f"old: {URL}")
    rule = NotificationRule.objects.get()
    client.force_login(staff_user)
    base = "/admin/thx_cron_notifications"
    pages = [
        f"{base}/notificationrule/",
        f"{base}/notificationrule/{rule.pk}/change/",
        f"{base}/notificationdelivery/",
        f"{base}/notificationdelivery/{row.pk}/change/",
    ]
    for path in pages:
        page = client.get(path)
        assert page.status_code == 200, path
        assert_masked(page.content.decode())
    assert "old: json://bob:****@127.0.0.1:9/" in client.get(pages[3]).content.decode()
