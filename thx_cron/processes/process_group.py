"""Process groups: each django-q2 cluster runs in a group of its own, stopped and killed whole.

A signal sent to a terminal's or a service manager's group reaches every process in it at once.
django-q2's sentinel dies of a SIGTERM (its default action) possibly while holding the lock of a
`multiprocessing.Event` that its parent then waits on forever in `Cluster.stop`. A cluster in its
own group receives only what its supervisor sends it, in order.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path


def members(pgid: int) -> list[int]:
    """The pids in the process group `pgid` (read from /proc; empty where there is none)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            stat = entry.read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...: comm may contain spaces and parentheses.
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 2 and int(fields[2]) == pgid:
            found.append(int(entry.parent.name))
    return sorted(found)


def kill(pgid: int, sig: int = signal.SIGKILL) -> None:
    """Send `sig` to the group `pgid`, if it still exists."""
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass
