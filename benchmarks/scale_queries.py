"""Run queries and pruning at scale: 100,000 jobs and 1,000,000 runs (target <= 50 ms a page).

Measures, through the real ASGI GraphQL endpoint with API tokens, p50/p95 of the `jobLogs` first
page (newest first: with the exact `totalCount`, with no count, with `totalCountUpTo(limit:
10000)`) and of one job's last 20 runs, for a staff user, an owner of 1% of the jobs and an owner
of 5 jobs; then (unless --no-prune) prunes the older half of the runs in a separate process
while this process keeps calling the dispatcher's tick, and compares tick latency before and
during pruning.

    .venv/bin/python benchmarks/scale_queries.py --database-url postgres://postgres@127.0.0.1:5432/test
    .venv/bin/python benchmarks/scale_queries.py          # embedded SQLite, smaller by default

With a PostgreSQL URL, a fresh database is created on that server and dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DAYS = 60  # runs spread over the last 60 days; the default retention (30 days) keeps half
BATCH = 10_000
OWNERS = 100  # job i belongs to owner i % OWNERS; owner 0 is the measured non-staff owner
SMALL_OWNER_JOBS = 5
DUE_JOBS = 5
TARGET_MS = 50.0

RUNS_PAGE = """query RecentRuns {
  jobLogs(first: 50) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id status trigger scheduledFor queuedAt startedAt finishedAt durationSeconds attempt error
      job { id name }
    } }
  }
}"""

# The same page for a client that shows no total: tells what `totalCount` costs.
RUNS_PAGE_UNCOUNTED = RUNS_PAGE.replace("    totalCount\n", "")
# The same page for a client that shows "more than 10,000": a count that stops early.
UP_TO = 10_000
RUNS_PAGE_UP_TO = RUNS_PAGE.replace("totalCount\n", f"totalCountUpTo(limit: {UP_TO})\n")

JOB_RUNS = """query JobRuns($id: ID!) {
  job(id: $id) {
    id name nextRunAt
    runs(first: 20) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node {
        id status trigger scheduledFor queuedAt startedAt finishedAt durationSeconds attempt error
      } }
    }
  }
}"""

# Realistic mix of outcomes (weights out of 1,000).
STATUSES = [
    ("succeeded", 900),
    ("failed", 60),
    ("skipped", 20),
    ("timed_out", 10),
    ("lost", 5),
    ("cancelled", 5),
]


def create_data(jobs: int, runs: int) -> dict[str, Any]:
    """Create users, jobs, runs and one finishing event per run; return what the queries need."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from thx_cron.models import Job, JobLog
    from thx_cron_graphql.models import ApiToken

    users = get_user_model().objects
    staff = users.create_user("staff", password="x", is_staff=True)
    owners = users.bulk_create([users.model(username=f"owner-{i}") for i in range(OWNERS)])
    small = users.create_user("small-owner", password="x")
    now = timezone.now()
    later = now + timedelta(hours=12)
    for start in range(0, jobs, BATCH):
        Job.objects.bulk_create(
            Job(
                name=f"job-{i:06}",
                owner=small if i >= jobs - SMALL_OWNER_JOBS else owners[i % OWNERS],
                action="demo.echo",
                args=["hello"],
                cron="0 3 * * *",
                next_run_at=later + timedelta(seconds=i % 3600),
            )
            for i in range(start, min(jobs, start + BATCH))
        )
    job_ids = list(Job.objects.order_by("pk").values_list("pk", flat=True))
    # 1% of the jobs are busy (every few minutes) and hold half of the runs.
    busy = job_ids[: max(1, len(job_ids) // 100)]
    rng = random.Random(42)
    statuses = [name for name, weight in STATUSES for _ in range(weight)]
    span = timedelta(days=DAYS).total_seconds()

    def rows() -> Any:
        for i in range(runs):
            job_id = rng.choice(busy) if rng.random() < 0.5 else rng.choice(job_ids)
            # Distinct instants for every run, so (job, occurrence) stays unique.
            queued = now - timedelta(seconds=span * (i + 0.5) / runs)
            status = rng.choice(statuses)
            trigger = "manual" if rng.random() < 0.03 else "schedule"
            started = finished = duration = None
            output = error = ""
            if status not in ("skipped", "cancelled"):
                started = queued + timedelta(seconds=rng.uniform(0.01, 1.0))
                duration = round(rng.lognormvariate(0, 1.5), 3)
                finished = started + timedelta(seconds=duration)
                output = "hello\n"
            if status in ("failed", "timed_out", "lost"):
                error = {
                    "failed": "RuntimeError: boom",
                    "timed_out": "Timed out after 60 s",
                    "lost": "The worker stopped sending heartbeats.",
                }[status]
            yield (
                job_id,
                status,
                trigger,
                None if trigger == "manual" else queued,
                queued,
                1,
                queued,
                started,
                finished,
                duration,
                output,
                error,
            )

    columns = [
        "job_id",
        "status",
        "trigger",
        "scheduled_for",
        "due_at",
        "attempt",
        "queued_at",
        "started_at",
        "finished_at",
        "duration_seconds",
        "output",
        "error",
    ]
    defaults = {
        "traceback": "",
        "worker": "bench",
        "host": "bench",
        "task_id": "",
        "cancel_requested": False,
    }
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            names = ", ".join(columns + list(defaults))
            with cursor.cursor.copy(f"COPY thx_cron_joblog ({names}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row((*row, *defaults.values()))
    else:
        batch: list[JobLog] = []
        for row in rows():
            batch.append(JobLog(**dict(zip(columns, row, strict=True)), **defaults))
            if len(batch) >= BATCH:
                JobLog.objects.bulk_create(batch)
                batch = []
        JobLog.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        # One event per run (its outcome); real runs also have `queued` and `started` events.
        cursor.execute(
            "INSERT INTO thx_cron_jobevent (job_id, run_id, kind, occurred_at, data) "
            "SELECT job_id, id, status, COALESCE(finished_at, queued_at), '{}' "
            "FROM thx_cron_joblog"
        )
        if connection.vendor == "postgresql":
            # As autovacuum would after a bulk load: statistics for the planner, and a visibility
            # map so that counts are index-only scans (EXPLAIN shows "Heap Fetches: 0").
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
    owner = owners[0]
    measured = Job.objects.filter(owner=owner, pk__in=busy).values_list("pk", flat=True).first()
    small_job = Job.objects.filter(owner=small).values_list("pk", flat=True).first()
    return {
        "tokens": {
            "staff": ApiToken.issue(staff, "bench")[1],
            "owner of 1% of jobs": ApiToken.issue(owner, "bench")[1],
            f"owner of {SMALL_OWNER_JOBS} jobs": ApiToken.issue(small, "bench")[1],
        },
        "jobs": {
            "staff": measured,
            "owner of 1% of jobs": measured,
            f"owner of {SMALL_OWNER_JOBS} jobs": small_job,
        },
    }


def measure_queries(data: dict[str, Any], rounds: int, explain: bool) -> dict[str, tuple]:
    """Time both query documents per user; print SQL counts (and plans); return p50/p95."""
    import httpx
    from asgiref.sync import async_to_sync
    from django.core import signals
    from django.db import close_old_connections, connection
    from django.db.backends.signals import connection_created
    from strawberry.relay import to_base64

    from benchmarks.harness import percentile
    from thx_cron_graphql.asgi import application

    # Keep one connection, as a long-running server does.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)

    async def post(token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            response = await client.post(
                "/graphql",
                headers={"Authorization": f"Bearer {token}"},
                json={"query": query, "variables": variables},
            )
            answer = response.json()
            assert "errors" not in answer, answer
            return answer["data"]  # type: ignore[no-any-return]

    # Django's ASGI handler runs each request's view in its own thread, with its own connection:
    # record the SQL of every connection while `captured` is a list.
    captured: list[dict[str, Any]] | None = None

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if captured is not None:
                captured.append({"sql": sql, "params": params, "time": time.perf_counter() - start})

    def wrap(sender: Any, connection: Any, **kwargs: Any) -> None:
        connection.execute_wrappers.append(record)

    connection_created.connect(wrap, weak=False)
    connection.execute_wrappers.append(record)
    call = async_to_sync(post)
    figures: dict[str, tuple] = {}
    for who, token in data["tokens"].items():
        job_id = to_base64("Job", data["jobs"][who])
        kinds = [
            ("jobLogs(first: 50)", RUNS_PAGE, {}),
            ("  same without totalCount", RUNS_PAGE_UNCOUNTED, {}),
            (f"  same, totalCountUpTo({UP_TO})", RUNS_PAGE_UP_TO, {}),
            ("job(id) { runs(first: 20) }", JOB_RUNS, {"id": job_id}),
        ]
        pages, statements = [], []
        for _, query, variables in kinds:
            call(token, query, variables)  # warm up
            captured = []
            answer = call(token, query, variables)
            statements.append(sorted(captured, key=lambda q: -float(q["time"])))
            captured = None
            pages.append(answer.get("jobLogs") or answer["job"]["runs"])
        # Interleaved rounds: the noise of a shared machine falls on every kind alike.
        samples: list[list[float]] = [[] for _ in kinds]
        for _ in range(rounds):
            for times, (_, query, variables) in zip(samples, kinds, strict=True):
                start = time.perf_counter()
                call(token, query, variables)
                times.append((time.perf_counter() - start) * 1000)
        for (label, _, _), times, page, sql in zip(kinds, samples, pages, statements, strict=True):
            total = page.get("totalCount", page.get("totalCountUpTo", "-"))
            total = f"more than {UP_TO}" if total is None else total
            p50 = statistics.median(times)
            p95 = percentile(times, 95)
            figures[f"{who}: {label}"] = (p50, p95)
            print(
                f"{who:>22} {label:<30} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
                f"({'met' if p95 <= TARGET_MS else 'NOT met'}; {len(page['edges'])} rows of "
                f"total {total}; {len(sql)} SQL, slowest "
                f"{float(sql[0]['time']) * 1000:.1f} ms)"
            )
            if explain:
                for q in sql[:2]:
                    print(f"    {float(q['time']) * 1000:.1f} ms: {q['sql'][:600]} {q['params']}")
                    if connection.vendor == "postgresql" and q["sql"].startswith("SELECT"):
                        with connection.cursor() as cursor:
                            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"], q["params"])
                            for (line,) in cursor.fetchall():
                                print(f"      {line}")
    return figures


def tick_latencies(until: Any, pause: float = 0.2) -> list[float]:
    """Call the dispatcher's tick every `pause` s until `until()` is true; return durations (ms)."""
    from thx_cron import dispatch

    times = []
    while not until():
        start = time.perf_counter()
        result = dispatch.tick()
        times.append((time.perf_counter() - start) * 1000)
        assert not result.recovered
        time.sleep(pause)
    return times


def tick_figures(times: list[float]) -> str:
    from benchmarks.harness import percentile

    p99 = percentile(times, 99)
    return (
        f"n={len(times)} p50 {statistics.median(times):.1f} ms, p99 {p99:.1f} ms, "
        f"max {max(times):.1f} ms"
    )


def measure_pruning(baseline_seconds: float) -> None:
    """Prune in a child process while this one ticks; print tick latency before and during."""
    from django.db import connection
    from django.utils import timezone

    from thx_cron.models import Job, JobEvent, JobLog

    anchor = timezone.now().replace(microsecond=0)
    for i in range(DUE_JOBS):
        Job.objects.create(
            name=f"due-{i}",
            action="demo.echo",
            args=["due"],
            schedule_kind=Job.ScheduleKind.INTERVAL,
            every_seconds=1,
            start_at=anchor,
        )
    cutoff = timezone.now() - timedelta(days=30)
    old = JobLog.objects.filter(queued_at__lt=cutoff).count()
    runs_before, events_before = JobLog.objects.count(), JobEvent.objects.count()
    deadline = time.monotonic() + baseline_seconds
    before = tick_latencies(lambda: time.monotonic() > deadline)
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, __file__, "--prune-child"],
        cwd=str(ROOT),
        stdout=subprocess.PIPE,
        text=True,
    )
    during = tick_latencies(lambda: child.poll() is not None)
    wall = time.perf_counter() - started
    out, _ = child.communicate()
    if child.returncode != 0:
        raise SystemExit(f"prune child failed ({child.returncode}): {out}")
    pruned = json.loads(out.strip().splitlines()[-1])
    print(
        f"prune: {pruned['runs']:,} runs ({old:,} older than 30 days) and {pruned['events']:,} "
        f"events deleted in {pruned['seconds']:.1f} s ({wall:.1f} s wall) of {runs_before:,} "
        f"runs / {events_before:,} events ({connection.vendor})"
    )
    print(f"tick ({DUE_JOBS} due jobs every 1 s) before pruning: {tick_figures(before)}")
    print(f"tick during pruning:                       {tick_figures(during)}")
    print(f"ratio of max tick latency during/before: {max(during) / max(before):.2f}")


def prune_child() -> None:
    """Entry point of the pruning process: failures share the 30-day retention here."""
    import django
    from django.conf import settings

    django.setup()
    settings.THX_CRON_RETENTION_FAILED_DAYS = 30
    from thx_cron.retention import prune

    start = time.perf_counter()
    result = prune()
    print(
        json.dumps(
            {"runs": result.runs, "events": result.events, "seconds": time.perf_counter() - start}
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--jobs", type=int, help="default 100,000 (10,000 on SQLite)")
    parser.add_argument("--runs", type=int, help="default 1,000,000 (100,000 on SQLite)")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--baseline-seconds", type=float, default=15.0)
    parser.add_argument("--explain", action="store_true", help="print the slowest SQL (and plans)")
    parser.add_argument("--no-prune", action="store_true", help="measure the queries only")
    parser.add_argument("--prune-child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.prune_child:
        prune_child()
        return
    from benchmarks.scale_dispatch import fresh_database

    postgres = bool(options.database_url and options.database_url.startswith("postgres"))
    jobs = options.jobs or (100_000 if postgres else 10_000)
    runs = options.runs or (1_000_000 if postgres else 100_000)
    with fresh_database(options.database_url) as url:
        from benchmarks.harness import prepare

        prepare(url)
        from django.db import connection

        if not postgres and not (options.jobs or options.runs):
            print(
                "embedded SQLite: 10,000 jobs and 100,000 runs by default (--jobs/--runs for more)"
            )
        started = time.perf_counter()
        data = create_data(jobs, runs)
        print(
            f"created {jobs:,} jobs, {runs:,} runs and {runs:,} events in "
            f"{time.perf_counter() - started:.1f} s ({connection.vendor})"
        )
        print(
            f"queries: {options.rounds} rounds each through the ASGI app, target p95 <= "
            f"{TARGET_MS:.0f} ms"
        )
        measure_queries(data, options.rounds, options.explain)
        if not options.no_prune:
            measure_pruning(options.baseline_seconds)


if __name__ == "__main__":
    main()
