"""In-process cost of a run with THX_CRON_MAX_RUNNING_PER_USER off and on.

Executes no-op runs (`demo.echo`) of one user's jobs in this process, alternating rounds with the
limit off and on, and prints the median time per run of each and their ratio.

    .venv/bin/python benchmarks/fair_use_cost.py [--runs 300] [--rounds 5] [--database-url URL]
"""

from __future__ import annotations

import argparse
import statistics
import time

from harness import prepare


def round_of(runs: int, limit: int | None) -> float:
    from django.contrib.auth import get_user_model
    from django.test import override_settings

    from thx_cron import lifecycle
    from thx_cron.models import Job
    from thx_cron.runner import execution

    owner, _ = get_user_model().objects.get_or_create(username="bench")
    job, _ = Job.objects.get_or_create(
        name="fair-use-cost",
        owner=owner,
        defaults={
            "action": "demo.echo",
            "args": [""],
            "cron": "0 0 1 1 *",
            "overlap_policy": "allow",
        },
    )
    created = [lifecycle.create_run(job, enqueued=True) for _ in range(runs)]
    with override_settings(THX_CRON_MAX_RUNNING_PER_USER=limit):
        start = time.perf_counter()
        for run in created:
            assert execution.execute(run.pk) == "succeeded"
        return (time.perf_counter() - start) / runs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url")
    options = parser.parse_args()
    prepare(options.database_url)
    round_of(50, None)  # warm-up
    off, on = [], []
    for _ in range(options.rounds):
        off.append(round_of(options.runs, None))
        on.append(round_of(options.runs, 4))
    median_off, median_on = statistics.median(off), statistics.median(on)
    print(f"limit off: {median_off * 1000:.3f} ms/run (median of {options.rounds})")
    print(f"limit on:  {median_on * 1000:.3f} ms/run")
    print(f"on/off:    {median_on / median_off:.2f}x")


if __name__ == "__main__":
    main()
