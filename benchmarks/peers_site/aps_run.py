"""The APScheduler 3 peer: one process scheduling the jobs in memory until SIGTERM.

    python -m peers_site.aps_run threads|processes WORKLOAD KEY JOBS DUE

Two executing workers: ThreadPoolExecutor(2) or ProcessPoolExecutor(2), a memory job store. As
the other systems do, a late run still runs: misfire_grace_time=None (APScheduler's default of 1 s
drops every run the scheduler submits more than 1 s late, which a loaded machine does). Otherwise
APScheduler's defaults (max one instance of a job at a time, no coalescing).
"""

from __future__ import annotations

import signal
import sys
from datetime import UTC, datetime
from types import FrameType

from apscheduler.executors.pool import ProcessPoolExecutor, ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from peers_site.record import record


def main() -> None:
    executor, workload, key, jobs, due_text = sys.argv[1:6]
    due = datetime.fromtimestamp(float(due_text), UTC)
    pool = ThreadPoolExecutor(2) if executor == "threads" else ProcessPoolExecutor(2)
    scheduler = BlockingScheduler(executors={"default": pool}, timezone=UTC)
    for number in range(int(jobs)):
        if workload == "burst":
            trigger = CronTrigger(minute="*", timezone=UTC)
        else:
            trigger = IntervalTrigger(seconds=2, start_date=due, timezone=UTC)
        scheduler.add_job(
            record, trigger, args=[key, number], id=f"peers-{number}", misfire_grace_time=None
        )

    def stop(signum: int, frame: FrameType | None) -> None:
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    scheduler.start()


if __name__ == "__main__":
    main()
