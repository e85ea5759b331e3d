"""The function both sides of a benchmark run: it appends its start time to a file."""

from __future__ import annotations

import os
import time


def probe(label: str = "") -> None:
    """Append `time.time()` and the label to the file named by THX_CRON_BENCH_PROBE."""
    with open(os.environ["THX_CRON_BENCH_PROBE"], "a") as handle:
        handle.write(f"{time.time():.6f} {label}\n")


def read(path: str) -> list[tuple[float, str]]:
    """Return the (time, label) lines written so far."""
    if not os.path.exists(path):
        return []
    rows = []
    with open(path) as handle:
        for line in handle:
            stamp, _, label = line.strip().partition(" ")
            if stamp:
                rows.append((float(stamp), label))
    return rows
