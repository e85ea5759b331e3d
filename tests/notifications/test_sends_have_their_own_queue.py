"""Sends go to their own django-q2 queue when one is set, so they never wait behind runs."""

from __future__ import annotations

from typing import Any

from django_q.models import OrmQ

from thx_cron_notifications.queue import enqueue_send


def test_a_send_is_enqueued_on_the_notification_queue(db: Any, settings: Any) -> None:
    settings.THX_CRON_NOTIFICATION_QUEUE = "thx-cron-notify"
    enqueue_send(41, timeout=10)
    [task] = OrmQ.objects.all()
    assert task.key == "thx-cron-notify"
    assert task.task["args"] == (41,)


def test_without_a_notification_queue_sends_use_the_runs_queue(db: Any, settings: Any) -> None:
    settings.THX_CRON_NOTIFICATION_QUEUE = ""
    enqueue_send(42, timeout=10)
    [task] = OrmQ.objects.all()
    assert task.key == settings.Q_CLUSTER["name"]
