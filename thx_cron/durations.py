"""Duration and lateness statistics of a job's recent runs, and how a duration reads.

`summarize` and `format_duration` are pure (figures in, figures or text out); `recent_runs`
reads the figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from thx_cron.models import JobLog

MAX_RUNS = 1000


@dataclass(frozen=True)
class Spread:
    """p50, p95 and the largest of some figures (None when there are none)."""

    count: int
    p50: float | None
    p95: float | None
    max: float | None


@dataclass(frozen=True)
class DurationStats:
    duration: Spread
    lateness: Spread


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Return the nearest-rank percentile `fraction` (0-1] of non-empty sorted values."""
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def spread(values: Sequence[float]) -> Spread:
    ordered = sorted(values)
    if not ordered:
        return Spread(0, None, None, None)
    return Spread(len(ordered), percentile(ordered, 0.5), percentile(ordered, 0.95), ordered[-1])


def median(values: Sequence[float]) -> float | None:
    """Return the median (the mean of the middle two for an even count), or None if empty."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def format_duration(seconds: float | None) -> str:
    """Return `seconds` as a person reads it: "2.7 ms", "1.2 s", "1 min 3 s", "2 h 5 min"."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return "-"
    milliseconds = seconds * 1000
    if round(milliseconds, 1) < 0.1:
        return "0 ms" if seconds == 0 else "< 0.1 ms"
    if round(milliseconds, 1) < 10:
        return f"{milliseconds:.1f} ms"
    if round(milliseconds) < 1000:
        return f"{milliseconds:.0f} ms"
    if round(seconds, 1) < 10:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    minutes = round(seconds / 60)
    if minutes < 24 * 60:
        return f"{minutes // 60} h {minutes % 60} min"
    hours = round(seconds / 3600)
    return f"{hours // 24} d {hours % 24} h"


def summarize(durations: Sequence[float], lateness: Sequence[float]) -> DurationStats:
    return DurationStats(duration=spread(durations), lateness=spread(lateness))


def recent_runs(job_id: int, last: int, *, before_run: int | None = None) -> DurationStats:
    """Return the statistics of the last `last` finished runs of a job with a duration.

    Lateness counts scheduled runs only (from the occurrence to the start).
    """
    runs = JobLog.objects.filter(job_id=job_id, duration_seconds__isnull=False)
    if before_run is not None:
        runs = runs.filter(pk__lt=before_run)
    rows = list(
        runs.order_by("-finished_at", "-id").values_list(
            "duration_seconds", "scheduled_for", "started_at"
        )[:last]
    )
    durations = [duration for duration, _, _ in rows if duration is not None]
    lateness = [
        max(0.0, (started - scheduled).total_seconds())
        for _, scheduled, started in rows
        if scheduled is not None and started is not None
    ]
    return summarize(durations, lateness)


def median_of_succeeded(job_id: int, last: int, *, before_run: int | None = None) -> float | None:
    """Return the median duration of the job's last `last` succeeded runs (before a run)."""
    runs = JobLog.objects.filter(
        job_id=job_id, status=JobLog.Status.SUCCEEDED, duration_seconds__isnull=False
    )
    if before_run is not None:
        runs = runs.filter(pk__lt=before_run)
    values = runs.order_by("-id").values_list("duration_seconds", flat=True)[:last]
    return median([value for value in values if value is not None])
