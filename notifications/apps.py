"""App config: subscribe to thx_cron's job events (thx_cron does not know this app exists)."""

from __future__ import annotations

import logging
from typing import Any

from django.apps import AppConfig

logger = logging.getLogger(__name__)


def on_job_events(sender: Any, events: Any, **kwargs: Any) -> None:
    """Match a batch of committed events (thx_cron.signals.job_events), if some enabled rule
    can be told by one of them; sending is left to django-q2 tasks."""
    from thx_cron_notifications import processing
    from thx_cron_notifications.queue import enqueue_processing

    wanted = processing.wanted_kinds()
    if not any(event.kind in wanted for event in events):
        return
    # Matching here saves a trip through the queue (alerts arrive sooner); the run's outcome is
    # already committed, and if matching fails a task (or else the sweep) does it later. Once
    # per batch: one pass matches every event after the cursor.
    try:
        processing.process_new_events()
    except Exception:
        logger.warning("Matching events failed; leaving it to a task", exc_info=True)
        enqueue_processing()


class NotificationsConfig(AppConfig):
    name = "thx_cron_notifications"
    label = "thx_cron_notifications"
    verbose_name = "thx-cron notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from thx_cron.signals import job_events
        from thx_cron_notifications import checks  # noqa: F401  (registers the system checks)
        from thx_cron_notifications.sweep import ensure_q2_schedule

        job_events.connect(on_job_events, dispatch_uid="thx_cron_notifications.on_job_events")
        from django.db.models.signals import post_delete, post_save

        from thx_cron_notifications.models import NotificationRule
        from thx_cron_notifications.processing import forget_listeners

        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            uid = f"thx_cron_notifications.forget_listeners.{name}"
            signal.connect(forget_listeners, sender=NotificationRule, dispatch_uid=uid)
        post_migrate.connect(ensure_q2_schedule, sender=self)
