"""Benchmark: `jobs(first: N)` with each job's last run and 5 latest runs, against a hand view.

1,000 jobs x 20 runs. Prints the SQL query count per page size and the p50 latency of the
GraphQL request next to a hand-written Django view returning the same JSON, both served through
the same ASGI application in the same run.

    .venv/bin/python benchmarks/graphql_jobs.py [--database-url postgres://...] [--rounds 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERY = """query($n: Int!) { jobs(first: $n) { totalCount edges { node {
    id name lastRun { id status finishedAt }
    runs(first: 5) { edges { node { id status queuedAt } } } } } } }"""


def setup(database_url: str | None) -> None:
    data_dir = tempfile.mkdtemp(prefix="thx-cron-bench-")
    os.environ.update(THX_CRON_DATA_DIR=data_dir, SECRET_KEY="bench", LOG_LEVEL="WARNING")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{data_dir}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "thx_cron.standalone.settings"
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = "benchmarks.graphql_jobs_urls"
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate(jobs: int, runs: int) -> str:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from thx_cron.models import Job, JobLog
    from thx_cron_graphql.models import ApiToken

    user = get_user_model().objects.create_user("bench", password="x")
    now = timezone.now()
    Job.objects.bulk_create(
        Job(name=f"job-{i:04}", owner=user, action="demo.echo", args=["x"], cron="* * * * *")
        for i in range(jobs)
    )
    JobLog.objects.bulk_create(
        JobLog(
            job=job,
            trigger="manual",
            status="succeeded",
            queued_at=now - timedelta(minutes=r),
            started_at=now,
            finished_at=now,
            duration_seconds=0.1,
            result="x",
        )
        for job in Job.objects.all()
        for r in range(runs)
    )
    latest = {run.job_id: run.pk for run in JobLog.objects.order_by("job_id", "queued_at")}
    for job_id, run_id in latest.items():
        Job.objects.filter(pk=job_id).update(last_run_id=run_id)
    return ApiToken.issue(user, "bench")[1]


def measure(token: str, rounds: int) -> None:
    import httpx
    from asgiref.sync import async_to_sync
    from django.core import signals
    from django.db import close_old_connections, connection
    from django.test.utils import CaptureQueriesContext

    from thx_cron_graphql.asgi import application

    # Keep one connection, as a long-running server does.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    headers = {"Authorization": f"Bearer {token}"}

    async def call(path: str, page: int) -> dict[str, Any]:
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            if path == "/graphql":
                response = await client.post(
                    path, headers=headers, json={"query": QUERY, "variables": {"n": page}}
                )
                return response.json()["data"]
            return (await client.get(f"{path}?first={page}", headers=headers)).json()

    run = async_to_sync(call)
    assert run("/graphql", 100) == run("/hand/jobs", 100), "the two answers differ"
    for page in (10, 50, 100):
        with CaptureQueriesContext(connection) as graphql_queries:
            run("/graphql", page)
        with CaptureQueriesContext(connection) as hand_queries:
            run("/hand/jobs", page)
        print(
            f"jobs(first: {page}): {len(graphql_queries)} SQL queries "
            f"(hand-written view: {len(hand_queries)})"
        )
    timings: dict[str, list[float]] = {"/graphql": [], "/hand/jobs": []}
    for _ in range(rounds):
        for path, samples in timings.items():
            start = time.perf_counter()
            run(path, 100)
            samples.append(time.perf_counter() - start)
    graphql = statistics.median(timings["/graphql"]) * 1000
    hand = statistics.median(timings["/hand/jobs"]) * 1000
    ratios = sorted(g / h for g, h in zip(timings["/graphql"], timings["/hand/jobs"], strict=True))
    print(
        f"p50 jobs(first: 100): GraphQL {graphql:.1f} ms, hand-written view {hand:.1f} ms, "
        f"ratio {graphql / hand:.2f}x (per-round ratios p25-p75 {_quartiles(ratios)}; "
        f"{rounds} rounds, {connection.vendor})"
    )
    print(
        "Both sides: a request through the ASGI app with httpx, bearer-token lookup, the page "
        "queries, JSON encoding and decoding."
    )


def _quartiles(values: list[float]) -> str:
    low, _, high = statistics.quantiles(values, n=4)
    return f"{low:.2f}-{high:.2f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=30)
    options = parser.parse_args()
    setup(options.database_url)
    token = populate(options.jobs, options.runs)
    measure(token, options.rounds)


if __name__ == "__main__":
    main()
