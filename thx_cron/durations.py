"""Duration and lateness statistics of a job's recent runs.

`summarize` is pure (a list of figures in, percentiles out); `recent_runs` reads them.
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
