"""Prometheus figures about notification deliveries, read from the database at each scrape."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from thx_cron.conf import thx_settings
from thx_cron_notifications.models import NotificationDelivery


class DeliveryCollector:
    """Deliveries of the metrics window by status, and those still waiting to be sent."""

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterable[Metric]:
        since = timezone.now() - timedelta(seconds=thx_settings.METRICS_WINDOW)
        recent = GaugeMetricFamily(
            "thx_cron_deliveries",
            "Notification deliveries about events of the window, by status.",
            labels=["status"],
        )
        counts = dict(
            NotificationDelivery.objects.filter(occurred_at__gte=since)
            .order_by()
            .values_list("status")
            .annotate(n=Count("id"))
        )
        for status in NotificationDelivery.Status.values:
            recent.add_metric([status], counts.get(status, 0))
        yield recent
        pending = NotificationDelivery.objects.filter(status=NotificationDelivery.Status.PENDING)
        yield GaugeMetricFamily(
            "thx_cron_deliveries_pending",
            "Notification deliveries waiting to be sent now (any age).",
            value=pending.count(),
        )
