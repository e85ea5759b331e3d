"""What an enabled notification rule costs the run path: no-op runs executed through
`execution.execute` in tasks of 32 (skip jobs of one owner, a history of 20,000 runs, analyzed),
with no rule enabled, with a rule on failures only, and with a rule on slow runs that none of
them is (it is told by every success). The matcher runs in the worker as each batch of events
commits (notifications.apps.on_job_events). The three variants alternate in one process, on a
fresh database; medians per run of the worker's CPU and wall time, its PostgreSQL backend's CPU
(from /proc) and the statements it sent:

    .venv/bin/python benchmarks/rule_run_cost.py --database-url postgres://postgres@127.0.0.1:5432/bench_tp
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TASK = 32
VARIANTS = ("no rule", "a rule on failures", "a rule on slow runs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--runs", type=int, default=320, help="per variant and round")
    parser.add_argument("--rounds", type=int, default=6)
    options = parser.parse_args()
    sys.path.insert(0, str(HERE))
    os.environ["THX_CRON_QUEUE"] = f"thx-rules-{uuid.uuid4().hex[:8]}"  # nobody reads its tasks
    from run_path_cpu import backend_cpu
    from scale_dispatch import fresh_database

    with fresh_database(options.database_url) as url:
        from harness import prepare

        prepare(url, None)
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.utils import timezone

        from thx_cron import dispatch
        from thx_cron.models import Job, JobLog
        from thx_cron.runner import execution
        from thx_cron_notifications import processing
        from thx_cron_notifications.models import NotificationRule

        dispatch.prepare()
        owner = get_user_model().objects.create_user("bench")
        jobs = Job.objects.bulk_create(
            Job(
                name=f"rules-{number}",
                action="bench.probe",
                args=["rules"],
                schedule_kind="once",
                run_at=timezone.now(),
                owner=owner,
            )
            for number in range(200)
        )
        now = timezone.now()
        history = (
            JobLog(job=jobs[i % 200], trigger="manual", status="succeeded", queued_at=now)
            for i in range(20_000)
        )
        JobLog.objects.bulk_create(history, batch_size=2000)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE")
        made = {
            "a rule on failures": NotificationRule.objects.create(
                owner=owner, name="failures", urls=["json://127.0.0.1:9/"], events=["failed"]
            ),
            "a rule on slow runs": NotificationRule.objects.create(
                owner=owner,
                name="slow",
                urls=["json://127.0.0.1:9/"],
                events=["slow"],
                slower_than_seconds=3600,
            ),
        }
        statements = {"count": 0}

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            statements["count"] += 1
            return execute(sql, params, many, context)

        results: dict[str, list[tuple[float, ...]]] = {name: [] for name in VARIANTS}
        for round_no in range(options.rounds + 1):  # the first warms up and is not counted
            order = VARIANTS[round_no % 3 :] + VARIANTS[: round_no % 3]
            for name in order:
                for variant, rule in made.items():
                    NotificationRule.objects.filter(pk=rule.pk).update(enabled=variant == name)
                processing.forget_listeners()
                queued = timezone.now()
                ids = [
                    run.pk
                    for run in JobLog.objects.bulk_create(
                        JobLog(job=jobs[i % 200], trigger="manual", queued_at=queued, due_at=queued)
                        for i in range(options.runs)
                    )
                ]
                statements["count"] = 0
                backend = backend_cpu()
                cpu, wall = time.process_time(), time.perf_counter()
                with connection.execute_wrapper(count):
                    for start in range(0, len(ids), TASK):
                        execution.execute(*ids[start : start + TASK])
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                ended = JobLog.objects.filter(pk__in=ids, status="succeeded").count()
                assert ended == len(ids), f"{name}: {ended} of {len(ids)} runs succeeded"
                figures = [cpu, wall, statements["count"] / 1000]
                if backend is not None:
                    figures.append(backend_cpu() - backend)  # type: ignore[operator]
                if round_no:
                    results[name].append(tuple(1000 * value / len(ids) for value in figures))
    print(
        f"rule_run_cost: {options.runs} no-op runs per variant in tasks of {TASK}, "
        f"{options.rounds} rounds, medians per run:"
    )
    for name, rows in results.items():
        medians = [statistics.median(row[i] for row in rows) for i in range(len(rows[0]))]
        line = f"  {name:<20} worker CPU {medians[0]:.3f} ms, wall {medians[1]:.3f} ms, "
        line += f"{medians[2]:.2f} statements"
        if len(medians) > 3:
            line += f", backend CPU {medians[3]:.3f} ms"
        print(line)


if __name__ == "__main__":
    main()
