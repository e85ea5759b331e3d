"""Soak: three workers (each with its dispatcher) on one PostgreSQL and one Redis run 300 jobs
every 2 s for 2 minutes; print how many occurrences ran exactly once, missing or doubled.

    python benchmarks/exactly_once.py --database-url postgres://postgres@127.0.0.1:5432/test \
        --redis-url redis://127.0.0.1:6379/0            # drop --redis-url for the ORM broker

A fresh database is created on the server and dropped at the end. Uses the scale-test helpers.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL server URL")
    parser.add_argument("--redis-url", default="", help="default: django-q2's ORM broker")
    parser.add_argument("--jobs", type=int, default=300)
    parser.add_argument("--every", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--workers", type=int, default=3)
    options = parser.parse_args()
    os.environ["THX_CRON_TEST_DATABASE_URL"] = options.database_url
    os.environ["THX_CRON_TEST_REDIS_URL"] = options.redis_url
    os.environ.setdefault("THX_CRON_TEST_TMP", tempfile.mkdtemp(prefix="thx-cron-soak-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from django.db import connections

    from tests.scale import conftest
    from tests.scale.occurrences import tally
    from thx_cron.models import Job, JobLog
    from thx_cron.standalone.database import database_config

    name = f"thx_soak_{os.getpid()}"
    conftest.admin_sql(f"CREATE DATABASE {name}")
    db = conftest.PgDatabase(name=name, alias=name)
    connections.settings[name] = connections.configure_settings(
        {"default": connections.settings["default"], name: database_config(db.url)}
    )[name]
    tmp = Path(os.environ["THX_CRON_TEST_TMP"])
    try:
        conftest.run_command(["migrate", "--no-input", "-v", "0"], db.url, timeout=300)
        (tmp / "logs").mkdir(exist_ok=True)
        (tmp / "witness").mkdir(exist_ok=True)
        fleet = conftest.Fleet(
            db=db, logs=tmp / "logs", witness=tmp / "witness", redis=options.redis_url
        )
        with ExitStack() as stack:
            stack.enter_context(fleet.stack)
            jobs = conftest.interval_jobs(name, options.jobs, options.every)
            for i in range(options.workers):
                fleet.start(f"worker{i}")
            started = time.monotonic()
            time.sleep(options.seconds)
            fleet.assert_alive()
            Job.objects.using(name).update(enabled=False)
            paused = time.monotonic()
            active = JobLog.objects.using(name).filter(status__in=JobLog.ACTIVE_STATUSES)
            while active.exists():
                time.sleep(0.5)
            drained = time.monotonic()
            result = tally(name, fleet.witness, jobs)
        broker = "Redis" if options.redis_url else "ORM"
        print(
            f"broker {broker}, {options.workers} worker processes, {options.jobs} jobs every "
            f"{options.every} s for {options.seconds} s"
        )
        print(result.summary())
        print(
            f"missing {len(result.missing)}, duplicated {len(result.duplicates)}, "
            f"unexpected {len(result.unexpected)}, executions not matching runs "
            f"{len(result.execution_mismatch)}"
        )
        runs = sum(result.statuses.values())
        print(
            f"{runs} runs in {drained - started:.0f} s: {runs / (drained - started):.1f} runs/s; "
            f"backlog drained {drained - paused:.0f} s after the pause"
        )
        print("exactly once: " + ("yes" if not result.problems() else f"NO {result.problems()}"))
    finally:
        connections[name].close()
        conftest.admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
