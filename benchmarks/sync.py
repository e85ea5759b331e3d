"""Syncing 1,000 declared jobs: when nothing changed, when every cron changed, and the first sync.

On the embedded default (SQLite in a fresh data dir) unless --database-url is given. The
baseline, measured in the same invocation, is a plain read of the same 1,000 Job rows (what any
sync must at least do to compare); `validate` is reading and validating the declarations alone.

    .venv/bin/python benchmarks/sync.py [--jobs 1000] [--rounds 5] [--database-url URL]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from harness import prepare


def declarations(count: int, minute: int) -> list[dict[str, object]]:
    return [
        {
            "key": f"bench-{n}",
            "action": "demo.echo",
            "args": [f"job {n}"],
            "cron": f"{minute} {n % 24} * * *",
            "timezone": "Europe/Rome",
            "max_retries": 1,
            "tags": ["bench"],
        }
        for n in range(count)
    ]


def timed(func: Callable[[], object]) -> float:
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url")
    options = parser.parse_args()
    prepare(options.database_url)
    from django.test import override_settings

    from thx_cron.declared.sync import gather, sync, validate
    from thx_cron.models import Job

    def read_rows() -> None:
        list(Job.objects.filter(key__isnull=False))

    with override_settings(THX_CRON_JOBS=declarations(options.jobs, 0)):
        first = timed(sync)
        assert Job.objects.filter(declared=True).count() == options.jobs
        unchanged, baseline, checking = [], [], []
        for _ in range(options.rounds):
            baseline.append(timed(read_rows))
            checking.append(timed(lambda: validate(gather())))
            unchanged.append(timed(sync))
    changed = []
    for round_ in range(options.rounds):
        with override_settings(THX_CRON_JOBS=declarations(options.jobs, round_ + 1)):
            changed.append(timed(sync))
    assert set(Job.objects.values_list("cron", flat=True)) == {
        f"{options.rounds} {h} * * *" for h in range(min(24, options.jobs))
    }
    median = statistics.median
    base = median(baseline)
    print(f"{options.jobs} declared jobs, {options.rounds} rounds, medians:")
    print(f"  baseline (read the rows)  {base:.3f} s")
    print(f"  validate declarations     {median(checking):.3f} s")
    print(
        f"  sync, nothing changed     {median(unchanged):.3f} s  ({median(unchanged) / base:.1f}x)"
    )
    print(f"  sync, every cron changed  {median(changed):.3f} s  ({median(changed) / base:.1f}x)")
    print(f"  first sync (create all)   {first:.3f} s")


if __name__ == "__main__":
    main()
