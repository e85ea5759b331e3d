"""An action that leaves a trace outside the database each time it executes.

The scale tests count these traces to prove that no run executed twice: the database rows alone
could not show it, since a second execution would update the same run.
"""

from __future__ import annotations

import os
from pathlib import Path

WITNESS_DIR = "THX_SCALE_WITNESS_DIR"


def witness(job_id: int, seconds: float = 0.0) -> int:
    """Append `job_id` to this process's witness file, optionally after sleeping `seconds`."""
    import time

    if seconds:
        time.sleep(seconds)
    directory = Path(os.environ[WITNESS_DIR])
    # One file per process, so that appends from concurrent processes never interleave.
    with open(directory / f"{os.getpid()}.log", "a") as handle:
        handle.write(f"{job_id}\n")
    return job_id


def executions(directory: Path) -> dict[int, int]:
    """Count the executions witnessed per job id."""
    counts: dict[int, int] = {}
    for path in directory.glob("*.log"):
        for line in path.read_text().split():
            counts[int(line)] = counts.get(int(line), 0) + 1
    return counts
