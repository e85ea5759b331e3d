"""Benchmark: 100 jobs fail at once with a webhook rule; how fast do the alerts arrive?

Runs on the embedded default (SQLite in a temp data dir, django-q2 ORM broker) with a real
`python -m thx_cron worker` and a loopback webhook receiver. Prints p50 / p99 from each run's
finish (finished_at) to the webhook's receipt, and the time until all alerts were delivered.

    .venv/bin/python benchmarks/notify_latency.py [--jobs 100] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


class Receiver:
    """Record when each alert (keyed by its title) reached the webhook."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.times.setdefault(json.loads(body)["title"], time.time())
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self.server.server_address[1]}/alerts"


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the worker's process group: SIGTERM, then SIGKILL if it lingers."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=300)
    options = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="thx-notify-bench-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "thx_cron.standalone.settings",
        "THX_CRON_DATA_DIR": data_dir,
        "THX_CRON_WORKERS": str(options.workers),
        "SECRET_KEY": "bench",
        "PYTHONPATH": str(ROOT),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    env.pop("THX_CRON_REDIS_URL", None)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from thx_cron import dispatch, lifecycle
    from thx_cron.models import Job, JobLog
    from thx_cron_notifications.models import NotificationRule

    call_command("migrate", verbosity=0)
    receiver = Receiver()
    owner = get_user_model().objects.create_user("bench")
    NotificationRule.objects.create(
        owner=owner,
        name="bench",
        urls=[receiver.url],
        events=["failed"],
        title_template="{{ run.id }}",
        body_template="{{ job.name }} {{ run.error }}",
    )
    jobs = [
        Job.objects.create(
            owner=owner, name=f"fail-{i}", action="demo.fail", args=["bench"], cron="0 0 1 1 *"
        )
        for i in range(options.jobs)
    ]
    log = open(Path(data_dir) / "worker.log", "wb")
    worker = subprocess.Popen(
        [sys.executable, "-m", "thx_cron", "worker"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        time.sleep(3)  # let the cluster start, so we measure notifications, not process start-up
        started = time.time()
        runs = [lifecycle.create_run(job) for job in jobs]
        for run in runs:
            dispatch.enqueue_now(run)
        deadline = time.monotonic() + options.timeout
        while len(receiver.times) < len(runs) and time.monotonic() < deadline:
            time.sleep(0.05)
        finished = time.time()
    finally:
        stop(worker)
        log.close()
    ended = {
        str(pk): at.timestamp()
        for pk, at in JobLog.objects.filter(pk__in=[r.pk for r in runs]).values_list(
            "pk", "finished_at"
        )
        if at is not None
    }
    latencies = [receiver.times[pk] - ended[pk] for pk in ended if pk in receiver.times]
    print(f"jobs: {len(runs)}  workers: {options.workers}  delivered: {len(receiver.times)}")
    if latencies:
        print(
            f"finish -> webhook  p50: {statistics.median(latencies):.3f} s  "
            f"p99: {percentile(latencies, 0.99):.3f} s  max: {max(latencies):.3f} s"
        )
    last = max(receiver.times.values(), default=finished)
    print(f"all delivered after: {last - started:.2f} s (from enqueueing the {len(runs)} runs)")
    print(f"data dir (worker.log): {data_dir}")


if __name__ == "__main__":
    main()
