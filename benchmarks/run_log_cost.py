"""CPU time of the worker's two log lines per run (start and finish), text vs JSON vs off.

No database: the lines are built from the run the runner holds, which this script builds too.

    PYTHONPATH=. DJANGO_SETTINGS_MODULE=tests.settings .venv/bin/python benchmarks/run_log_cost.py
"""

from __future__ import annotations

import logging
import os
import time
from datetime import timedelta

import django

LINES = 20_000


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    from django.utils import timezone

    from thx_cron.models import Job, JobLog
    from thx_cron.ops import run_log
    from thx_cron.ops.log_format import JsonFormatter

    job = Job(pk=1, name="backup")
    now = timezone.now()
    run = JobLog(
        pk=5,
        job=job,
        status="succeeded",
        trigger="schedule",
        scheduled_for=now,
        started_at=now + timedelta(seconds=0.2),
        duration_seconds=1.5,
    )
    logger = logging.getLogger("thx_cron.runs")
    logger.propagate = False
    with open(os.devnull, "w") as sink:
        handler = logging.StreamHandler(sink)
        logger.addHandler(handler)
        text = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        for name, formatter, level in (
            ("text", text, logging.INFO),
            ("json", JsonFormatter(), logging.INFO),
            ("off (LOG_LEVEL=WARNING)", text, logging.WARNING),
        ):
            handler.setFormatter(formatter)
            logger.setLevel(level)
            start = time.perf_counter()
            for _ in range(LINES):
                run_log.started(job, run)
                run_log.finished(job, run)
            print(f"run_log {name}: {(time.perf_counter() - start) / LINES * 1e6:.1f} us per run")


if __name__ == "__main__":
    main()
