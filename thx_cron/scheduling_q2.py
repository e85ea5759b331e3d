"""django-q2 schedules that keep thx-cron working under a plain `qcluster`."""

from __future__ import annotations

from typing import Any

# (name, function, minutes between runs)
Q2_SCHEDULES = (
    ("thx-cron dispatch", "thx_cron.dispatch.tick", 1),
    ("thx-cron prune", "thx_cron.retention.prune", 60),
)


def ensure_q2_schedules(sender: Any = None, **kwargs: Any) -> None:
    """Create or update the django-q2 schedules (after migrate)."""
    from django_q.models import Schedule

    using = kwargs.get("using", "default")
    for name, func, minutes in Q2_SCHEDULES:
        Schedule.objects.using(using).update_or_create(
            name=name,
            defaults={"func": func, "schedule_type": Schedule.MINUTES, "minutes": minutes},
        )
