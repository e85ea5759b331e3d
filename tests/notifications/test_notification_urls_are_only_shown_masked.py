"""Secrets in URLs are only ever shown masked: str, admin lists, logs and errors."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client, override_settings

from tests.notifications.flow import finish
from thx_cron_notifications import delivery, processing
from thx_cron_notifications.models import NotificationDelivery

SLACK = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#alerts"
MAILTO = "mailto://bot:hunter2@127.0.0.1:9?to=ops@example.com&from=bot@example.com&mode=insecure"


def test_masked_urls_hide_passwords_and_tokens(make_rule: Any, user: Any) -> None:
    rule = make_rule(user, urls=[SLACK, MAILTO])
    shown = " ".join(rule.masked_urls) + str(rule)
    assert "hunter2" not in shown and "TIiajkdnlazkcOXrIdevi7FQ" not in shown
    assert rule.masked_urls[0].startswith("slack://") and "****" in rule.masked_urls[1]


@override_settings(ROOT_URLCONF="tests.notifications.admin_urls")
def test_the_admin_list_and_form_show_only_masked_urls(
    make_rule: Any, user: Any, staff_user: Any, client: Client
) -> None:
    staff_user.is_superuser = True
    staff_user.save()
    rule = make_rule(user, urls=[SLACK, MAILTO])
    client.force_login(staff_user)
    listing = client.get("/admin/thx_cron_notifications/notificationrule/")
    form = client.get(f"/admin/thx_cron_notifications/notificationrule/{rule.pk}/change/")
    for page in (listing, form):
        assert page.status_code == 200
        html = page.content.decode()
        assert "hunter2" not in html and "TIiajkdnlazkcOXrIdevi7FQ" not in html
    assert "slack://T...2" in listing.content.decode()


def test_delivery_errors_and_logs_carry_masked_urls(
    make_rule: Any, make_job: Any, user: Any, caplog: pytest.LogCaptureFixture
) -> None:
    make_rule(user, urls=[MAILTO])  # nothing listens on port 9
    finish(make_job(owner=user))
    [pk] = processing.process_new_events()
    with caplog.at_level(logging.WARNING, logger="thx_cron_notifications"):
        delivery.send(pk)
    row = NotificationDelivery.objects.get(pk=pk)
    assert row.status == NotificationDelivery.Status.PENDING and row.last_error
    assert "hunter2" not in row.last_error and "hunter2" not in caplog.text
    assert "mailto://bot:****@127.0.0.1" in row.last_error
