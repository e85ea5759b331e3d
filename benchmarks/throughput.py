"""No-op runs per second with 1 and with 2 worker processes, and bare django-q2 `async_task` of the
same function on the same broker in the same run (target: thx-cron >= 0.5x of bare).

Worker processes are `thx-cron worker --no-dispatcher` (django-q2 clusters), started before the
tasks are enqueued; the sides alternate in rounds so that machine noise hits them alike. Bare
django-q2 runs twice: handed one broker, as thx-cron enqueues through one (the stricter baseline),
and with `async_task`'s defaults, which make a broker and a Redis connection per task. Each side
is timed from its first enqueue to the last call's probe line, so producing the work counts too.
The ratio printed is the median of each round's own ratio (thx-cron over the bare run just
before it), with the lowest and highest.

thx-cron's runs come, by default, the way scheduled runs do in production: `--runs` jobs fall due
at once and this process's dispatcher (`dispatch.tick()`) claims and enqueues them in batches.
`--producer manual` instead creates and enqueues one run at a time, as "run now" does.

    python benchmarks/throughput.py --database-url postgres://postgres@127.0.0.1:5432/test \
        --redis-url redis://127.0.0.1:6379/0
    python benchmarks/throughput.py          # embedded default: SQLite and the ORM broker
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

from run_overhead import WARMUP, bare_side, thx_side, wait_for_probes
from scale_dispatch import fresh_database


def scheduled_side(runs: int, probe_file: Path, label: str) -> float:
    """Make `runs` jobs due now and let the dispatcher claim and enqueue them; return runs/s."""
    from django.utils import timezone

    from thx_cron import dispatch
    from thx_cron.models import Job, JobLog

    now = timezone.now()
    existing = Job.objects.filter(name__startswith="throughput-").count()
    Job.objects.bulk_create(
        Job(
            name=f"throughput-{number}",
            action="bench.probe",
            schedule_kind="once",
            run_at=now,
            overlap_policy="allow",
        )
        for number in range(existing, runs)
    )
    pool = list(
        Job.objects.filter(name__startswith="throughput-")
        .order_by("pk")
        .values_list("pk", flat=True)[:runs]
    )
    # Each job's one occurrence is now: one run per job in this round.
    Job.objects.filter(pk__in=pool).update(
        args=[label], run_at=now, next_run_at=now, enabled=True, occurrence_count=0
    )
    start = time.monotonic()
    claimed = 0
    while claimed < runs:
        got = len(dispatch.tick().claimed)
        claimed += got
        if not got:
            # The worker's cluster runs thx-cron's tick too (its django-q2 schedule, once a
            # minute): the runs it claimed count.
            claimed = JobLog.objects.filter(scheduled_for=now, job__in=pool).count()
    wait_for_probes(probe_file, label, runs)
    return runs / (time.monotonic() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--redis-url", default=None, help="default: django-q2's ORM broker")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--producer", choices=["scheduled", "manual"], default="scheduled")
    options = parser.parse_args()
    thx = scheduled_side if options.producer == "scheduled" else thx_side
    # A queue of our own, so that other clusters on the same Redis do not take our tasks.
    os.environ["THX_CRON_QUEUE"] = f"thx-bench-{uuid.uuid4().hex[:8]}"
    with fresh_database(options.database_url) as url:
        from harness import prepare, process

        data_dir = prepare(url, options.redis_url)
        probe_file = data_dir / "probe.log"
        lines = []
        for workers in (1, 2):
            # Bare django-q2 twice: handed one broker, as thx-cron enqueues (the stricter
            # baseline), and with async_task's defaults (a new broker and connection per task).
            rates: dict[str, list[float]] = {"thx": [], "bare": [], "bare-default": []}
            with ExitStack() as stack:
                for i in range(workers):
                    log = data_dir / f"worker{workers}-{i}.log"
                    stack.enter_context(process("worker", "--no-dispatcher", log=log))
                bare_side(WARMUP, probe_file, f"warm-bare{workers}")
                thx(WARMUP, probe_file, f"warm-thx{workers}")
                for round_no in range(options.rounds):
                    tag = f"{workers}-{round_no}"
                    rates["bare"].append(bare_side(options.runs, probe_file, f"bare{tag}"))
                    rates["thx"].append(thx(options.runs, probe_file, f"thx{tag}"))
                    rates["bare-default"].append(
                        bare_side(options.runs, probe_file, f"default{tag}", one_broker=False)
                    )
            ours, bare, default = (statistics.median(rates[side]) for side in rates)
            # Each round's own ratio (its sides ran next to each other), then their median: a
            # slow spell of the shared machine then weighs on both sides of one ratio.
            paired = [t / b for t, b in zip(rates["thx"], rates["bare"], strict=True)]
            ratio = statistics.median(paired)
            spread = f"rounds {min(paired):.2f}-{max(paired):.2f}x"
            lines.append(
                f"  {workers} worker process(es): thx-cron {ours:6.1f} runs/s; "
                f"bare django-q2 {bare:6.1f} runs/s with one broker: ratio {ratio:.2f}x, "
                f"{spread} (target >= 0.5: {'met' if ratio >= 0.5 else 'NOT met'}); "
                f"{default:6.1f} runs/s with async_task's defaults: ratio {ours / default:.2f}x "
                f"({'met' if ours / default >= 0.5 else 'NOT met'})"
            )
        from django.db import connection

        broker = "redis" if options.redis_url else "orm"
        print(
            f"throughput: {options.runs} no-op runs x {options.rounds} rounds per side, "
            f"thx-cron runs {options.producer}, "
            f"database={connection.vendor}, broker={broker}, "
            f"{os.environ.get('THX_CRON_WORKERS', '2')} django-q2 workers per process"
        )
        print("\n".join(lines))


if __name__ == "__main__":
    main()
