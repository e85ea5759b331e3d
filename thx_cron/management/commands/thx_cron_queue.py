from __future__ import annotations

import os
import signal
import threading
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand

from thx_cron.processes import process_group
from thx_cron.processes.children import SUPERVISOR_PID


class Command(BaseCommand):
    help = (
        "Serve one django-q2 queue (Q_CLUSTER_NAME, or the default one) as the child of a "
        "thx-cron worker, in a process group of its own, stopping with its parent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        from django_q.cluster import Cluster

        from thx_cron.runner import execution

        execution.prepare()  # in this process, which the cluster's workers are forked from
        # The supervisor's pid as it told us: read from getppid() here, it would already be
        # init's if the supervisor was killed while this process was still starting.
        parent = int(os.environ.get(SUPERVISOR_PID) or os.getppid())
        stop = threading.Event()

        def on_signal(signum: int, frame: FrameType | None) -> None:
            stop.set()  # idempotent; the worker sends SIGTERM once per stop

        cluster = Cluster()
        # Replace the cluster's own handlers (they stop it inside the handler) before it starts.
        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        cluster.start()
        threading.Thread(
            target=_follow_parent, args=(parent,), name="thx-cron parent watch", daemon=True
        ).start()
        stop.wait()
        # Let running tasks finish; the worker kills this group when its shutdown grace ends,
        # and the watch still takes it down if the worker is killed before that.
        cluster.stop()


def _follow_parent(parent: int) -> None:
    """A parent killed outright cannot tell us: notice being handed to another parent, and take
    the whole group down at once, as if killed with it (its runs end lost). This holds while
    the cluster stops too: a supervisor killed during its shutdown grace (a service manager's
    own stop timeout) would otherwise leave the group waiting for its tasks with no parent."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            process_group.kill(os.getpgid(0))
