"""Dispatcher tick time with 1,000 vs 100,000 enabled idle jobs (target ratio <= 1.5).

A tick must read only due jobs, so idle jobs should not make it slower. Each measured tick claims
the same handful of due jobs (their next run time is reset between ticks, outside the timing).

    python benchmarks/scale_dispatch.py                                   # embedded SQLite
    python benchmarks/scale_dispatch.py --database-url postgres://postgres@127.0.0.1:5432/test

With a PostgreSQL URL, a fresh database is created on that server and dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DUE = 5
TICKS = 60


@contextmanager
def fresh_database(url: str | None) -> Iterator[str | None]:
    """Yield a URL for a new empty database on the server of `url` (None: embedded SQLite)."""
    if not url or not url.startswith("postgres"):
        yield url
        return
    import psycopg

    name = f"thx_bench_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")  # type: ignore[arg-type]
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # type: ignore[arg-type]


def add_idle_jobs(count: int, start: int) -> None:
    """Create `count` enabled daily jobs whose next run is hours away."""
    from django.utils import timezone

    from thx_cron.models import Job

    later = timezone.now() + timedelta(hours=12)
    batch = [
        Job(
            name=f"idle-{start + i}",
            action="demo.echo",
            args=["idle"],
            cron="0 3 * * *",
            next_run_at=later + timedelta(seconds=i % 3600),
        )
        for i in range(count)
    ]
    Job.objects.bulk_create(batch, batch_size=2000)


def measure(due_jobs: list[int]) -> list[float]:
    """Time TICKS ticks that each claim the due jobs; return the durations in milliseconds."""
    from django.db import connection
    from django.utils import timezone

    from thx_cron import dispatch
    from thx_cron.models import Job, JobLog

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    times = []
    for _ in range(TICKS):
        now = timezone.now()
        occurrence = now.replace(microsecond=0)
        Job.objects.filter(pk__in=due_jobs).update(next_run_at=occurrence)
        start = time.perf_counter()
        result = dispatch.tick(now)
        times.append((time.perf_counter() - start) * 1000)
        assert len(result.claimed) == len(due_jobs), result
        # Forget the claimed runs so that the next tick starts from the same state.
        JobLog.objects.filter(pk__in=result.claimed).delete()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    options = parser.parse_args()
    with fresh_database(options.database_url) as url:
        from benchmarks.harness import prepare

        prepare(url)
        from django.db import connection
        from django.utils import timezone

        from thx_cron.models import Job

        # Whole seconds, so that each tick's `now` rounded down is an occurrence.
        anchor = timezone.now().replace(microsecond=0) - timedelta(seconds=10)
        due = [
            Job.objects.create(
                name=f"due-{i}",
                action="demo.echo",
                args=["due"],
                schedule_kind=Job.ScheduleKind.INTERVAL,
                every_seconds=1,
                start_at=anchor,
            ).pk
            for i in range(DUE)
        ]
        add_idle_jobs(options.small - DUE, 0)
        small = measure(due)
        started = time.perf_counter()
        add_idle_jobs(options.large - options.small, options.small)
        print(
            f"created {options.large - options.small} jobs in {time.perf_counter() - started:.1f} s"
        )
        large = measure(due)
        # The machine is shared: the minimum is the figure least disturbed by other load.
        p50_small, p50_large = statistics.median(small), statistics.median(large)
        print(f"database: {connection.vendor}; {TICKS} ticks each claiming {DUE} due jobs")
        print(
            f"tick p50 with {options.small:>7,} enabled jobs: {p50_small:7.2f} ms "
            f"(min {min(small):.2f}, p90 {statistics.quantiles(small, n=10)[-1]:.2f} ms)"
        )
        print(
            f"tick p50 with {options.large:>7,} enabled jobs: {p50_large:7.2f} ms "
            f"(min {min(large):.2f}, p90 {statistics.quantiles(large, n=10)[-1]:.2f} ms)"
        )
        print(f"ratio of minimums: {min(large) / min(small):.2f}")
        ratio = p50_large / p50_small
        print(
            f"ratio large/small: {ratio:.2f} "
            f"(target <= 1.5: {'met' if ratio <= 1.5 else 'NOT met'})"
        )


if __name__ == "__main__":
    main()
