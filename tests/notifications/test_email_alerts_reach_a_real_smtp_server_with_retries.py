"""Email alerts through a real SMTP server on loopback, with retries while it is down."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import override_settings
from django.utils import timezone

from tests.notifications.flow import finish
from tests.notifications.peers import SmtpServer
from tests.processes import free_port
from thx_cron_notifications import delivery, processing
from thx_cron_notifications.models import NotificationDelivery

Status = NotificationDelivery.Status


def test_a_failed_run_sends_an_email_with_the_run_fields(
    make_rule: Any, make_job: Any, user: Any, smtp: SmtpServer
) -> None:
    make_rule(user, urls=[smtp.url()], events=["failed"])
    job = make_job(owner=user, name="nightly-report")
    run = finish(job, error="disk full")
    [pk] = processing.process_new_events()
    assert delivery.send(pk) == Status.SENT
    [mail] = smtp.mails
    assert mail.recipients == ["ops@example.com"]
    assert "Subject: [thx-cron] nightly-report: failed" in mail.content
    assert "disk full" in mail.content
    assert f"/admin/thx_cron/joblog/{run.pk}/change/" in mail.content
    row = NotificationDelivery.objects.get(pk=pk)
    assert (row.attempts, row.run_id, row.event, row.last_error) == (1, run.pk, "failed", "")


def test_mail_is_retried_with_backoff_until_the_smtp_server_comes_back(
    make_rule: Any, make_job: Any, user: Any
) -> None:
    server = SmtpServer()  # not started yet: the port refuses connections
    make_rule(user, urls=[server.url()])
    finish(make_job(owner=user))
    [pk] = processing.process_new_events()
    now = timezone.now()
    assert delivery.send(pk, now=now) == Status.PENDING
    first = NotificationDelivery.objects.get(pk=pk)
    assert first.next_attempt_at == now + timedelta(seconds=30)
    assert delivery.send(pk, now=now + timedelta(seconds=10)) == "not due"
    assert delivery.send(pk, now=first.next_attempt_at) == Status.PENDING
    second = NotificationDelivery.objects.get(pk=pk)
    assert second.next_attempt_at - first.next_attempt_at == timedelta(seconds=60)
    server.start()
    try:
        assert delivery.send_due(now=second.next_attempt_at) == [pk]
        assert delivery.send(pk, now=second.next_attempt_at) == Status.SENT
    finally:
        server.stop()
    assert len(server.mails) == 1
    row = NotificationDelivery.objects.get(pk=pk)
    assert (row.status, row.attempts, row.last_error) == (Status.SENT, 3, "")


@override_settings(THX_CRON_NOTIFICATION_MAX_ATTEMPTS=2)
def test_a_delivery_gives_up_with_a_clear_error_after_the_last_attempt(
    make_rule: Any, make_job: Any, user: Any
) -> None:
    port = free_port()
    make_rule(user, urls=[f"json://127.0.0.1:{port}/hook"])
    finish(make_job(owner=user))
    [pk] = processing.process_new_events()
    now = timezone.now()
    delivery.send(pk, now=now)
    assert delivery.send(pk, now=now + timedelta(hours=1)) == Status.FAILED
    row = NotificationDelivery.objects.get(pk=pk)
    assert row.last_error.startswith("Gave up after 2 attempt(s): json://127.0.0.1")
    assert "Connection error" in row.last_error
    assert delivery.send_due(now=now + timedelta(days=1)) == []


def test_only_the_url_that_failed_is_tried_again(
    make_rule: Any, make_job: Any, user: Any, smtp: SmtpServer
) -> None:
    down = SmtpServer()
    make_rule(user, urls=[smtp.url("a@example.com"), down.url("b@example.com")])
    finish(make_job(owner=user))
    [pk] = processing.process_new_events()
    now = timezone.now()
    assert delivery.send(pk, now=now) == Status.PENDING
    down.start()
    try:
        assert delivery.send(pk, now=now + timedelta(minutes=5)) == Status.SENT
    finally:
        down.stop()
    assert [m.recipients for m in smtp.mails] == [["a@example.com"]]
    assert [m.recipients for m in down.mails] == [["b@example.com"]]
