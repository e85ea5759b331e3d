"""Prometheus figures about runs, read from the database when Prometheus scrapes.

Every web process on every host answers from the same database, so the figures agree wherever
they are scraped and no process has to outlive another to keep a count. Counts and histograms
cover the runs of the last `THX_CRON_METRICS_WINDOW` seconds (gauges and gauge histograms:
they go down as runs leave the window, and retention pruning cannot make them jump). The one
figure only a process knows, the dispatcher's tick time, is a process histogram shared through
prometheus-client's multiprocess directory (see `tick_timer`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone
from prometheus_client import Histogram
from prometheus_client.core import GaugeHistogramMetricFamily, GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from thx_cron.conf import thx_settings
from thx_cron.models import JobLog

DURATION_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 1800, 3600, 7200, 21600)
LATENESS_BUCKETS = (0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600)
TICK_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)

# Not in any registry: the metrics view adds it, or reads it from the multiprocess directory.
DISPATCH_TICK = Histogram(
    "thx_cron_dispatcher_tick_seconds",
    "Time one dispatcher tick took (claim due jobs, enqueue runs, recover stale runs).",
    buckets=TICK_BUCKETS,
    registry=None,
)

_JOB = ["job_id", "job"]


@contextmanager
def tick_timer() -> Iterator[None]:
    """Time one dispatcher tick into DISPATCH_TICK (unless metrics are off)."""
    if not thx_settings.METRICS:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        DISPATCH_TICK.observe(time.perf_counter() - started)


class RunCollector:
    """A prometheus-client collector of run figures, computed by the database at each scrape."""

    def describe(self) -> list[Metric]:
        return []  # computed at scrape time; nothing to check at registration

    def collect(self) -> Iterable[Metric]:
        window = thx_settings.METRICS_WINDOW
        since = timezone.now() - timedelta(seconds=window)
        yield GaugeMetricFamily(
            "thx_cron_metrics_window_seconds",
            "The window that the runs_* and histogram figures cover.",
            value=window,
        )
        yield from _active()
        yield from _finished(since)
        yield _durations(since)
        yield _lateness(since)


def _labels(row: dict[str, Any]) -> list[str]:
    return [str(row["job_id"]), str(row["job__name"])]


def _active() -> Iterator[Metric]:
    queued = GaugeMetricFamily("thx_cron_runs_queued", "Runs queued now.", labels=_JOB)
    running = GaugeMetricFamily("thx_cron_runs_running", "Runs running now.", labels=_JOB)
    rows = (
        JobLog.objects.active()
        .order_by()
        .values("job_id", "job__name", "status")
        .annotate(n=Count("id"))
    )
    for row in rows:
        family = queued if row["status"] == JobLog.Status.QUEUED else running
        family.add_metric(_labels(row), row["n"])
    yield queued
    yield running


def _finished(since: Any) -> Iterator[Metric]:
    finished = GaugeMetricFamily(
        "thx_cron_runs_finished",
        "Runs that finished in the window, by job and status.",
        labels=[*_JOB, "status"],
    )
    lost = GaugeMetricFamily(
        "thx_cron_runs_lost", "Runs that ended lost in the window.", labels=_JOB
    )
    timed_out = GaugeMetricFamily(
        "thx_cron_runs_timed_out", "Runs that ended timed out in the window.", labels=_JOB
    )
    rows = (
        JobLog.objects.filter(finished_at__gte=since, status__in=JobLog.FINISHED_STATUSES)
        .order_by()
        .values("job_id", "job__name", "status")
        .annotate(n=Count("id"))
    )
    for row in rows:
        finished.add_metric([*_labels(row), row["status"]], row["n"])
        if row["status"] == JobLog.Status.LOST:
            lost.add_metric(_labels(row), row["n"])
        elif row["status"] == JobLog.Status.TIMED_OUT:
            timed_out.add_metric(_labels(row), row["n"])
    yield finished
    yield lost
    yield timed_out


def _histogram(
    name: str, documentation: str, rows: Iterable[dict[str, Any]], buckets: tuple[float, ...]
) -> Metric:
    family = GaugeHistogramMetricFamily(name, documentation, labels=_JOB)
    for row in rows:
        counts = [(_le(bound), row[f"le_{index}"]) for index, bound in enumerate(buckets)]
        counts.append(("+Inf", row["count"]))
        total = row["total"]
        seconds = total.total_seconds() if isinstance(total, timedelta) else float(total or 0)
        family.add_metric(_labels(row), counts, gsum_value=seconds)
    return family


def _le(bound: float) -> str:
    return str(float(bound))


def _durations(since: Any) -> Metric:
    buckets = {
        f"le_{index}": Count("id", filter=Q(duration_seconds__lte=bound))
        for index, bound in enumerate(DURATION_BUCKETS)
    }
    rows = (
        JobLog.objects.filter(finished_at__gte=since, duration_seconds__isnull=False)
        .order_by()
        .values("job_id", "job__name")
        .annotate(count=Count("id"), total=Sum("duration_seconds"), **buckets)
    )
    return _histogram(
        "thx_cron_run_duration_seconds",
        "Duration of the runs that finished in the window.",
        rows,
        DURATION_BUCKETS,
    )


def _lateness(since: Any) -> Metric:
    late = ExpressionWrapper(F("started_at") - F("scheduled_for"), output_field=DurationField())
    buckets = {
        f"le_{index}": Count("id", filter=Q(lateness__lte=timedelta(seconds=bound)))
        for index, bound in enumerate(LATENESS_BUCKETS)
    }
    rows = (
        JobLog.objects.filter(started_at__gte=since, scheduled_for__isnull=False)
        .order_by()
        .annotate(lateness=late)
        .values("job_id", "job__name")
        .annotate(count=Count("id"), total=Sum("lateness"), **buckets)
    )
    return _histogram(
        "thx_cron_run_lateness_seconds",
        "How long after their occurrence the scheduled runs started in the window started.",
        rows,
        LATENESS_BUCKETS,
    )
