"""Webhooks to a real HTTP receiver on loopback; Slack intercepted at the HTTP layer."""

from __future__ import annotations

import json
from typing import Any

import responses
from django.test import override_settings

from tests.notifications.flow import finish
from tests.notifications.peers import WebhookReceiver
from thx_cron_notifications import delivery, processing
from thx_cron_notifications.models import NotificationDelivery

Status = NotificationDelivery.Status
SLACK = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#alerts"
SLACK_HOOK = "https://hooks.slack.com/services/T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ"


def test_a_webhook_receives_the_rendered_title_and_body(
    make_rule: Any, make_job: Any, user: Any, webhook: WebhookReceiver
) -> None:
    make_rule(
        user,
        urls=[webhook.url("/alerts")],
        events=["failed"],
        title_template="{{ job.name }} is {{ run.status }}",
        body_template="attempt {{ run.attempt }}: {{ run.error }} after {{ run.duration }}",
    )
    finish(make_job(owner=user, name="etl"), error="ValueError: bad row")
    [pk] = processing.process_new_events()
    assert delivery.send(pk) == Status.SENT
    [hit] = webhook.received
    assert hit.path == "/alerts"
    assert hit.payload["title"] == "etl is failed"
    assert hit.payload["message"].startswith("attempt 1: ValueError: bad row after ")
    assert hit.payload["type"] == "failure"


@override_settings(THX_CRON_NOTIFICATION_TIMEOUT=1.0)
def test_a_webhook_that_never_answers_fails_the_attempt_and_is_retried_later(
    make_rule: Any, make_job: Any, user: Any
) -> None:
    hanging = WebhookReceiver(hang=True).start()
    try:
        make_rule(user, urls=[hanging.url()])
        finish(make_job(owner=user))
        [pk] = processing.process_new_events()
        assert delivery.send(pk) == Status.PENDING
        assert hanging.arrived.is_set()
    finally:
        hanging.stop()
    row = NotificationDelivery.objects.get(pk=pk)
    assert row.claimed_until is None and row.last_error.startswith("json://127.0.0.1")


@responses.activate
def test_slack_gets_exactly_the_request_apprise_sends_to_its_webhook(
    make_rule: Any, make_job: Any, user: Any
) -> None:
    responses.add(responses.POST, SLACK_HOOK, body="ok", status=200)
    make_rule(
        user,
        urls=[SLACK],
        events=["failed"],
        title_template="{{ job.name }} failed",
        body_template="{{ run.error }}",
    )
    finish(make_job(owner=user, name="billing"), error="card declined")
    [pk] = processing.process_new_events()
    assert delivery.send(pk) == Status.SENT
    [call] = responses.calls
    assert call.request.url == SLACK_HOOK
    assert call.request.headers["Content-Type"] == "application/json; charset=utf-8"
    payload = json.loads(call.request.body)
    icon = payload.pop("icon_url")
    [attachment] = payload.pop("attachments")
    assert payload == {"mrkdwn": True, "channel": "#alerts"}
    assert icon.endswith("apprise-failure-72x72.png")
    assert isinstance(attachment.pop("ts"), float)
    assert attachment == {
        "title": "billing failed",
        "text": "card declined",
        "color": "#A32037",
        "footer_icon": icon,
        "footer": "Apprise",
    }


@responses.activate
def test_a_slack_rejection_is_recorded_on_the_delivery(
    make_rule: Any, make_job: Any, user: Any
) -> None:
    responses.add(responses.POST, SLACK_HOOK, body="invalid_token", status=403)
    make_rule(user, urls=[SLACK])
    finish(make_job(owner=user))
    [pk] = processing.process_new_events()
    assert delivery.send(pk) == Status.PENDING
    error = NotificationDelivery.objects.get(pk=pk).last_error
    assert "403" in error and "TIiajkdnlazkcOXrIdevi7FQ" not in error
