"""django-q2 schedules that keep thx-cron working under a plain `qcluster`."""

from __future__ import annotations

from typing import Any

from django.db import connections

# (name, function, minutes between runs)
Q2_SCHEDULES = (
    ("thx-cron dispatch", "thx_cron.dispatch.tick", 1),
    ("thx-cron prune", "thx_cron.retention.prune", 60),
)
# Every django-q2 schedule thx-cron creates starts with this, so uninstalling finds them all.
SCHEDULE_PREFIX = "thx-cron "


def tables_exist(using: str, *tables: str) -> bool:
    """Whether every one of `tables` exists (migrating an app to zero removes them)."""
    existing = set(connections[using].introspection.table_names())
    return all(table in existing for table in tables)


def ensure_q2_schedules(sender: Any = None, **kwargs: Any) -> None:
    """Create or update the django-q2 schedules (after migrate); remove them once unmigrated."""
    from django_q.models import Schedule

    from thx_cron.conf import thx_settings
    from thx_cron.models import Job

    using = kwargs.get("using", "default")
    if not tables_exist(using, Schedule._meta.db_table):
        return
    names = [name for name, _, _ in Q2_SCHEDULES]
    if not tables_exist(using, Job._meta.db_table):
        # `migrate thx_cron zero`: a schedule left behind would fail in the host's qcluster.
        Schedule.objects.using(using).filter(name__in=names).delete()
        return
    for name, func, minutes in Q2_SCHEDULES:
        Schedule.objects.using(using).update_or_create(
            name=name,
            defaults={
                "func": func,
                "schedule_type": Schedule.MINUTES,
                "minutes": minutes,
                # Only thx-cron's cluster runs them (None: the default cluster).
                "cluster": thx_settings.CLUSTER,
            },
        )


def remove_q2_schedules(using: str = "default") -> int:
    """Delete every django-q2 schedule thx-cron created; return how many."""
    from django_q.models import Schedule

    if not tables_exist(using, Schedule._meta.db_table):
        return 0
    deleted, _ = Schedule.objects.using(using).filter(name__startswith=SCHEDULE_PREFIX).delete()
    return deleted
