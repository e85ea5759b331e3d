"""Benchmark: the dashboard in Chromium on the embedded default (SQLite), 1,000 jobs x 100 runs.

Prints, measured in the browser: the time from navigation to a rendered jobs overview (its first
page of rows), and the time from a run's change being committed (by this process, through the
lifecycle methods, as a worker would) to the job's row showing the new status. Targets: p50 under
1 s, and p99 under 250 ms.

    .venv/bin/python benchmarks/dashboard.py [--jobs 1000] [--runs 100] [--rounds 20] [--changes 40]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import percentile, prepare, process, wait_until  # noqa: E402

CHROMIUM = os.environ.get("THX_CRON_BENCH_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROWS = 50  # the overview's first page
# Sets window.__seen to the time (ms since the epoch) when the job's row shows `status`.
WATCH = """([name, status]) => {
  window.__seen = null;
  const cell = () => document.querySelector(`tr[data-job='${name}'] [data-col=last] .status`);
  const done = () => cell() && cell().dataset.status === status;
  const observer = new MutationObserver(() => {
    if (done()) { observer.disconnect(); window.__seen = Date.now(); }
  });
  const options = {subtree: true, attributes: true, childList: true};
  observer.observe(document.querySelector("table.jobs"), options);
}"""


def populate(jobs: int, runs: int) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from thx_cron.models import Job, JobLog

    user = get_user_model().objects.create_user("bench", password="bench-password")
    now = timezone.now()
    Job.objects.bulk_create(
        Job(name=f"job-{i:04}", owner=user, action="demo.echo", args=["x"], cron="0 0 1 1 *")
        for i in range(jobs)
    )
    for job in Job.objects.all():
        JobLog.objects.bulk_create(
            JobLog(
                job=job,
                trigger="schedule",
                status="failed" if r % 7 == 0 else "succeeded",
                scheduled_for=now - timedelta(minutes=r + 1),
                queued_at=now - timedelta(minutes=r + 1),
                started_at=now - timedelta(minutes=r + 1),
                finished_at=now - timedelta(minutes=r + 1) + timedelta(seconds=0.1),
                duration_seconds=0.1 + (r % 10) / 100,
            )
            for r in range(runs)
        )
        latest = JobLog.objects.filter(job=job).order_by("-queued_at").first()
        Job.objects.filter(pk=job.pk).update(last_run=latest, last_status=latest.status)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--changes", type=int, default=40)
    options = parser.parse_args()

    data_dir = prepare()
    started = time.monotonic()
    populate(options.jobs, options.runs)
    took = time.monotonic() - started
    print(f"populated {options.jobs} jobs x {options.runs} runs in {took:.1f} s")

    import httpx
    from playwright.sync_api import sync_playwright

    from thx_cron.models import Job

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop; our ORM calls are sync
    port = free_port()
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return httpx.get(f"{base}/", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    with process("web", "--port", str(port), log=data_dir / "web.log"), sync_playwright() as pw:
        assert wait_until(up, timeout=60), "the web process did not start"
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/")
        page.get_by_label("User name").fill("bench")
        page.get_by_label("Password").fill("bench-password")
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("button", name="Log out").wait_for()

        loads = []
        for _ in range(options.rounds):
            page.goto(f"{base}/?{time.monotonic()}")
            page.wait_for_function(f"document.querySelectorAll('tr[data-job]').length >= {ROWS}")
            loads.append(page.evaluate("performance.now()") / 1000)
        print(
            f"overview rendered after navigation: n={len(loads)} "
            f"p50={statistics.median(loads):.3f} s "
            f"p95={percentile(loads, 95):.3f} s max={max(loads):.3f} s (target p50 < 1 s)"
        )

        page.locator(".connection[data-state=live]").wait_for()
        first = page.locator("tbody tr[data-job]").first.get_attribute("data-job")
        job = Job.objects.get(name=first)
        lags = []
        run = None
        for i in range(options.changes):
            starting = i % 2 == 0
            status = "RUNNING" if starting else "SUCCEEDED"
            page.evaluate(WATCH, [first, status])
            if starting:
                run = job.start()
            else:
                job.complete(run, result="ok")
            committed = time.time() * 1000
            seen = page.wait_for_function("window.__seen", timeout=30_000).json_value()
            lags.append((seen - committed) / 1000)
        print(
            f"commit -> row updated: n={len(lags)} p50={statistics.median(lags) * 1000:.0f} ms "
            f"p99={percentile(lags, 99) * 1000:.0f} ms max={max(lags) * 1000:.0f} ms "
            "(target p99 < 250 ms)"
        )
        browser.close()


if __name__ == "__main__":
    main()
