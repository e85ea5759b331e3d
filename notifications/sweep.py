"""The periodic sweep: nothing is lost when a process dies between a commit and an enqueue."""

from __future__ import annotations

from typing import Any

from thx_cron_notifications import delivery, global_rules, processing, running_long

Q2_SCHEDULE_NAME = "thx-cron notifications sweep"


def sweep() -> dict[str, int]:
    """Sync operator rules, match events again, find long runs, and enqueue due deliveries."""
    global_rules.sync()
    matched = processing.process_new_events(lookback=True)
    long_running = running_long.notify_running_long()
    due = delivery.send_due()
    return {"matched": len(matched), "running_long": len(long_running), "enqueued": len(due)}


def ensure_q2_schedule(sender: Any = None, **kwargs: Any) -> None:
    """Create the sweep's django-q2 schedule, the event cursor and operator rules."""
    from django.utils import timezone
    from django_q.models import Schedule

    from thx_cron.conf import thx_settings
    from thx_cron.models import JobEvent
    from thx_cron.q2_schedules import tables_exist
    from thx_cron_notifications.models import EventCursor, NotificationRule
    from thx_cron_notifications.queue import SWEEP_TASK

    using = kwargs.get("using", "default")
    if not tables_exist(using, Schedule._meta.db_table):
        return
    tables = (EventCursor._meta.db_table, NotificationRule._meta.db_table, JobEvent._meta.db_table)
    if not tables_exist(using, *tables):
        # Migrated to zero (uninstalling): a schedule left behind would fail every minute.
        Schedule.objects.using(using).filter(name=Q2_SCHEDULE_NAME).delete()
        return
    Schedule.objects.using(using).update_or_create(
        name=Q2_SCHEDULE_NAME,
        defaults={
            "func": SWEEP_TASK,
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "next_run": timezone.now(),
            "cluster": thx_settings.CLUSTER,
        },
    )
    # Start after the events that exist at install time: nobody asked to hear about those.
    last = JobEvent.objects.using(using).order_by("-id").values_list("id", flat=True).first()
    EventCursor.objects.using(using).get_or_create(
        name=processing.CURSOR, defaults={"last_event_id": last or 0}
    )
    global_rules.sync(using)
