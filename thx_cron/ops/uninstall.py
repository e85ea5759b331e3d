"""Uninstalling: thx-cron's tables, django-q2 schedules and queued tasks leave the database."""

from __future__ import annotations

from collections.abc import Callable

from thx_cron.q2_schedules import remove_q2_schedules

# Dependents first: notifications and the API's tokens refer to thx_cron's tables.
APP_LABELS = ("thx_cron_notifications", "thx_cron_graphql", "thx_cron")


def thx_cron_queues() -> list[str]:
    """The named django-q2 queues that only thx-cron uses (never the host's default one)."""
    from django.conf import settings

    from thx_cron.conf import thx_settings

    q_cluster = getattr(settings, "Q_CLUSTER", {}) or {}
    default = q_cluster.get("cluster_name") or q_cluster.get("name", "default")
    names = [thx_settings.CLUSTER or "", thx_settings.NOTIFICATION_QUEUE]
    names += thx_settings.WORKER_QUEUES
    return sorted({name for name in names if name and name != default})


def uninstall(
    using: str, migrate_to_zero: Callable[[str], object], installed: list[str]
) -> list[str]:
    """Migrate thx-cron's apps to zero and remove what it left in django-q2; return a report."""
    from django_q.brokers import get_broker

    report: list[str] = []
    for label in APP_LABELS:
        if label in installed:
            migrate_to_zero(label)
            report.append(f"Migrated {label} to zero (its tables are dropped).")
    # Migrating to zero removes them too; this also finds schedules of an older install.
    removed = remove_q2_schedules(using)
    report.append(f"Removed {removed} django-q2 schedule(s) named 'thx-cron ...'.")
    for queue in thx_cron_queues():
        try:
            get_broker(queue).purge_queue()
        except Exception as exc:  # an unreachable broker must not stop the uninstall
            report.append(f"Could not purge the django-q2 queue {queue!r}: {exc}")
        else:
            report.append(f"Purged the django-q2 queue {queue!r}.")
    return report
