"""No-op runs per second through thx-cron vs bare django-q2 `async_task` of the same function.

Both sides use the same broker (the embedded default's ORM broker on SQLite unless --database-url
/ --redis-url are given) and the same django-q2 cluster process (`thx-cron qcluster`), started
before the tasks are enqueued; thx-cron's runs are spread over 20 jobs. The function appends its
start time to a file; a side is done when every call has written its line.

    .venv/bin/python benchmarks/run_overhead.py [--runs 300] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from harness import prepare, process, wait_until

WARMUP = 20


def bare_side(runs: int, probe_file: Path, label: str, *, one_broker: bool = True) -> float:
    """Enqueue `runs` bare tasks; return calls per second.

    With `one_broker` they are handed one broker, as thx-cron hands its own; without it,
    `async_task` is called as most code calls it, and django-q2 makes a broker (and, with
    Redis, a connection) for every task.
    """
    from django_q.brokers import get_broker
    from django_q.tasks import async_task

    options = {"broker": get_broker()} if one_broker else {}
    start = time.monotonic()
    for i in range(runs):
        async_task("benchmarks.probe.probe", f"{label}-{i}", **options)
    wait_for_probes(probe_file, label, runs)
    return runs / (time.monotonic() - start)


def thx_side(runs: int, probe_file: Path, label: str, jobs: int = 20) -> float:
    from thx_cron import dispatch, lifecycle
    from thx_cron.models import Job

    # Runs are spread over several jobs, as in real use: a job's runs take turns on its row
    # lock (the job's summary and overlap policy), which a bare task does not have.
    pool = []
    for number in range(jobs):
        job, _ = Job.objects.get_or_create(
            name=f"run-overhead-{number}",
            defaults={"action": "bench.probe", "cron": "0 0 1 1 *", "overlap_policy": "allow"},
        )
        job.args = [label]
        job.save()
        pool.append(job)
    start = time.monotonic()
    for i in range(runs):
        dispatch.enqueue_now(lifecycle.create_run(pool[i % jobs], enqueued=True))
    wait_for_probes(probe_file, label, runs)
    return runs / (time.monotonic() - start)


def wait_for_probes(probe_file: Path, label: str, count: int) -> None:
    """Wait until `count` probe lines starting with `label` are written.

    Reads only what was appended since the last look, so that waiting costs both sides little
    of the machine they are measured on. Labels are unique per round, so earlier lines count none.
    """
    seen = 0
    offset = 0

    def done() -> bool:
        nonlocal seen, offset
        if probe_file.exists():
            with open(probe_file, "rb") as handle:
                handle.seek(offset)
                chunk = handle.read()
            complete = chunk[: chunk.rfind(b"\n") + 1]
            offset += len(complete)
            prefix = label.encode()
            seen += sum(
                1 for line in complete.splitlines() if line.partition(b" ")[2].startswith(prefix)
            )
        return seen >= count

    if not wait_until(done, timeout=600, interval=0.02):
        raise SystemExit(f"{label}: not all {count} calls ran within 10 minutes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url")
    options = parser.parse_args()
    data_dir = prepare(options.database_url, options.redis_url)
    probe_file = data_dir / "probe.log"
    bare: list[float] = []
    thx: list[float] = []
    with process("qcluster", log=data_dir / "cluster.log"):
        bare_side(WARMUP, probe_file, "warm-bare")
        thx_side(WARMUP, probe_file, "warm-thx")
        # Alternate the sides so that machine noise hits both alike.
        for round_no in range(options.rounds):
            bare.append(bare_side(options.runs, probe_file, f"bare{round_no}"))
            thx.append(thx_side(options.runs, probe_file, f"thx{round_no}"))
    broker = "redis" if options.redis_url else "orm"
    print(f"run_overhead: {options.runs} no-op runs x {options.rounds} rounds, broker={broker}")
    print(f"  bare django-q2: median {statistics.median(bare):.1f} runs/s  {_fmt(bare)}")
    print(f"  thx-cron:       median {statistics.median(thx):.1f} runs/s  {_fmt(thx)}")
    print(f"  ratio thx-cron / bare: {statistics.median(thx) / statistics.median(bare):.2f}x")


def _fmt(values: list[float]) -> str:
    return "(" + ", ".join(f"{v:.1f}" for v in values) + ")"


if __name__ == "__main__":
    main()
