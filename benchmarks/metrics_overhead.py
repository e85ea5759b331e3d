"""Runs per second with metrics on vs off, alternating in one invocation (target: < 3% overhead).

"On": Prometheus scrapes `thx-cron web`'s /metrics every `--scrape-interval` seconds while the
runs go (each scrape asks the database for every figure), and the dispatcher times its ticks.
"Off": no scrapes and THX_CRON_METRICS off for the dispatcher. The runs come as scheduled runs
do (jobs fall due at once, this process's dispatcher claims them; a `thx-cron worker
--no-dispatcher` executes them), and the sides alternate in rounds so that noise hits both.

    .venv/bin/python benchmarks/metrics_overhead.py [--runs 300] [--rounds 4] \
        [--database-url postgres://postgres@127.0.0.1:5432/test] [--redis-url redis://...]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import threading
import time
import uuid
from pathlib import Path

from run_overhead import WARMUP, wait_for_probes
from scale_dispatch import fresh_database


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Scraper:
    """Scrape /metrics every `interval` seconds in a thread until stopped; count the scrapes."""

    def __init__(self, url: str, token: str, interval: float) -> None:
        self.url, self.token, self.interval = url, token, interval
        self.stop = threading.Event()
        self.scrapes: list[float] = []
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> Scraper:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()

    def _loop(self) -> None:
        import httpx

        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(timeout=30) as client:
            while not self.stop.is_set():
                started = time.monotonic()
                response = client.get(self.url, headers=headers)
                response.raise_for_status()
                self.scrapes.append(time.monotonic() - started)
                self.stop.wait(self.interval)


def scheduled_runs(runs: int, probe_file: Path, label: str) -> float:
    """Make `runs` jobs due now, dispatch them with timed ticks; return runs/s."""
    from django.utils import timezone

    from thx_cron import dispatch
    from thx_cron.models import Job
    from thx_cron.ops import metrics

    now = timezone.now()
    existing = Job.objects.filter(name__startswith="metrics-").count()
    Job.objects.bulk_create(
        Job(
            name=f"metrics-{number}",
            action="bench.probe",
            schedule_kind="once",
            run_at=now,
            overlap_policy="allow",
        )
        for number in range(existing, runs)
    )
    pool = Job.objects.filter(name__startswith="metrics-").order_by("pk")[:runs]
    Job.objects.filter(pk__in=list(pool.values_list("pk", flat=True))).update(
        args=[label], run_at=now, next_run_at=now, enabled=True, occurrence_count=0
    )
    start = time.monotonic()
    claimed = 0
    while claimed < runs:
        with metrics.tick_timer():  # as worker.dispatch_forever does; a no-op with metrics off
            claimed += len(dispatch.tick().claimed)
    wait_for_probes(probe_file, label, runs)
    return runs / (time.monotonic() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--redis-url", default=None, help="default: django-q2's ORM broker")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--scrape-interval", type=float, default=1.0)
    options = parser.parse_args()
    os.environ["THX_CRON_QUEUE"] = f"thx-bench-{uuid.uuid4().hex[:8]}"
    with fresh_database(options.database_url) as url:
        from harness import prepare, process, wait_until

        data_dir = prepare(url, options.redis_url)
        from django.conf import settings
        from django.contrib.auth import get_user_model

        from thx_cron_graphql.models import ApiToken

        staff = get_user_model().objects.create_user("prometheus", is_staff=True)
        _, token = ApiToken.issue(staff, "bench")
        probe_file = data_dir / "probe.log"
        port = free_port()
        metrics_url = f"http://127.0.0.1:{port}/metrics"
        rates: dict[str, list[float]] = {"on": [], "off": []}
        scrape_times: list[float] = []
        with (
            process("worker", "--no-dispatcher", log=data_dir / "worker.log"),
            process("web", "--port", str(port), log=data_dir / "web.log"),
        ):
            import httpx

            def listening() -> bool:
                try:
                    return httpx.get(metrics_url, timeout=2).status_code == 401
                except httpx.HTTPError:
                    return False

            assert wait_until(listening, timeout=60), "web did not start"
            scheduled_runs(WARMUP, probe_file, "warm")
            for round_no in range(options.rounds):
                # Alternate which side goes first, so that neither always runs on a warmer system.
                order = ("on", "off") if round_no % 2 == 0 else ("off", "on")
                for side in order:
                    label = f"{side}{round_no}"
                    settings.THX_CRON_METRICS = side == "on"
                    if side == "on":
                        scraper = Scraper(metrics_url, token, options.scrape_interval)
                        with scraper:
                            rates[side].append(scheduled_runs(options.runs, probe_file, label))
                        scrape_times.extend(scraper.scrapes)
                    else:
                        rates[side].append(scheduled_runs(options.runs, probe_file, label))
        from django.db import connection

        on, off = (statistics.median(rates[side]) for side in ("on", "off"))
        overhead = (off - on) / off * 100
        print(
            f"metrics_overhead: {options.runs} scheduled no-op runs x {options.rounds} rounds per "
            f"side, database={connection.vendor}, "
            f"broker={'redis' if options.redis_url else 'orm'}, "
            f"a scrape every {options.scrape_interval:g} s"
        )
        print(
            f"  metrics off {off:6.1f} runs/s, on {on:6.1f} runs/s: overhead {overhead:+.1f}% "
            f"(target < 3%: {'met' if overhead < 3 else 'NOT met'}); "
            f"rounds off {_rounded(rates['off'])}, on {_rounded(rates['on'])}"
        )
        if scrape_times:
            median_ms = statistics.median(scrape_times) * 1000
            print(
                f"  {len(scrape_times)} scrapes, median {median_ms:.1f} ms, "
                f"max {max(scrape_times) * 1000:.1f} ms"
            )


def _rounded(values: list[float]) -> list[float]:
    return [round(value, 1) for value in values]


if __name__ == "__main__":
    main()
