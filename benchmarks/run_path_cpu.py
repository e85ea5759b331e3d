"""CPU per run of the run path in one process, with django-q2 and the broker out of the figure:
the worker's side (queued no-op runs executed through `execution.execute` in tasks of `--task`
runs, 8 by default: the dispatcher's first task of a burst; its later ones are larger) and the
dispatcher's (due jobs claimed by `dispatch.tick`), on a fresh database.

Each round prints the worker's CPU, its wall time and its database backend's CPU per run (from
/proc, PostgreSQL on this machine only), and the dispatcher's CPU per claimed run. With
`--baseline DIR` (a worktree of an earlier commit), each round runs that tree and this one in
turn, each in its own process, and the medians are printed side by side with their ratio:

    .venv/bin/python benchmarks/run_path_cpu.py --baseline /path/to/worktree --rounds 8 \
        --database-url postgres://postgres@127.0.0.1:5432/test --redis-url redis://127.0.0.1:6379/0
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
TASK = 8  # the default task size (dispatch.FIRST_TASK)


def backend_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend so far (None: not readable)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # the server runs elsewhere
        return None
    fields = stat[stat.rfind(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_side(runs: int, jobs: list, task: int = TASK) -> dict[str, float]:
    from django.utils import timezone

    from thx_cron.models import JobLog
    from thx_cron.runner import execution

    now = timezone.now()
    made = JobLog.objects.bulk_create(
        JobLog(job=jobs[i % len(jobs)], trigger="manual", queued_at=now, due_at=now)
        for i in range(runs)
    )
    ids = [run.pk for run in made]
    backend = backend_cpu()
    cpu, wall = time.process_time(), time.perf_counter()
    for start in range(0, runs, task):
        execution.execute(*ids[start : start + task])
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    ended = JobLog.objects.filter(pk__in=ids, status=JobLog.Status.SUCCEEDED).count()
    assert ended == runs, f"{ended} of {runs} runs succeeded"
    figures = {"worker_cpu_ms": cpu / runs * 1000, "worker_wall_ms": wall / runs * 1000}
    if backend is not None:
        figures["backend_cpu_ms"] = (backend_cpu() - backend) / runs * 1000  # type: ignore[operator]
    return figures


def dispatcher_side(jobs: list) -> dict[str, float]:
    from django.utils import timezone

    from thx_cron import dispatch
    from thx_cron.models import Job

    now = timezone.now()
    Job.objects.filter(pk__in=[job.pk for job in jobs]).update(
        run_at=now, next_run_at=now, enabled=True, occurrence_count=0
    )
    cpu = time.process_time()
    claimed = 0
    while claimed < len(jobs):
        got = len(dispatch.tick(now).claimed)
        assert got, f"{claimed} of {len(jobs)} due jobs claimed, then none"
        claimed += got
    return {"dispatch_cpu_ms": (time.process_time() - cpu) / claimed * 1000}


def one_tree(tree: Path, options: argparse.Namespace) -> None:
    """Measure the thx-cron of `tree` (its benchmarks' harness and settings); print one JSON
    line per round."""
    sys.path.insert(0, str(tree / "benchmarks"))
    os.chdir(tree)
    os.environ["THX_CRON_QUEUE"] = f"thx-cpu-{uuid.uuid4().hex[:8]}"  # nobody reads its tasks
    from scale_dispatch import fresh_database

    with fresh_database(options.database_url) as url:
        from harness import prepare

        prepare(url, options.redis_url)
        from django.utils import timezone

        from thx_cron import dispatch
        from thx_cron.models import Job

        dispatch.prepare()
        jobs = Job.objects.bulk_create(
            Job(
                name=f"cpu-{number}",
                action="bench.probe",
                args=["cpu"],
                schedule_kind="once",
                run_at=timezone.now(),
                overlap_policy="allow",
            )
            for number in range(options.jobs)
        )
        for round_no in range(options.rounds + 1):  # the first warms up and is not printed
            figures = worker_side(options.runs, jobs, options.task) | dispatcher_side(jobs)
            if round_no:
                print(json.dumps(figures), flush=True)


def run_tree(tree: Path, options: argparse.Namespace) -> dict[str, float]:
    """One round of `tree` in its own process; return its figures."""
    argv = [sys.executable, str(Path(__file__).resolve()), "--one-tree", str(tree)]
    argv += ["--runs", str(options.runs), "--jobs", str(options.jobs), "--rounds", "1"]
    argv += ["--task", str(options.task)]
    for flag in ("database_url", "redis_url"):
        if getattr(options, flag):
            argv += [f"--{flag.replace('_', '-')}", getattr(options, flag)]
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(argv, env=env, cwd=tree, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--redis-url", default=None, help="the channel layer (wake-ups)")
    parser.add_argument("--runs", type=int, default=800)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--task", type=int, default=TASK, help="runs per task (default 8)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--baseline", type=Path, default=None, help="a worktree to compare with")
    parser.add_argument("--one-tree", type=Path, default=None, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.one_tree:
        one_tree(options.one_tree, options)
        return
    trees = {"this tree": HERE.parent}
    if options.baseline:
        trees = {"baseline": options.baseline.resolve(), **trees}
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for round_no in range(options.rounds):
        for name, tree in trees.items():
            figures = run_tree(tree, options)
            rounds[name].append(figures)
            shown = ", ".join(f"{key} {value:.3f}" for key, value in figures.items())
            print(f"round {round_no + 1} {name}: {shown}", flush=True)
    print(
        f"run_path_cpu: {options.runs} no-op runs in tasks of {options.task}, {options.jobs} jobs "
        f"claimed, {options.rounds} rounds, medians per run (ms):"
    )
    keys = list(rounds["this tree"][0])
    for key in keys:
        medians = {name: statistics.median(r[key] for r in rounds[name]) for name in trees}
        line = "  ".join(f"{name} {value:.3f}" for name, value in medians.items())
        if options.baseline:
            line += f"  ratio {medians['this tree'] / medians['baseline']:.2f}x"
        print(f"  {key}: {line}")


if __name__ == "__main__":
    main()
