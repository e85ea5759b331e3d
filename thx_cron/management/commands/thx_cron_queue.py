from __future__ import annotations

import os
import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Serve one extra django-q2 queue (Q_CLUSTER_NAME) as the child of a thx-cron worker, "
        "stopping with its parent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        from django_q.cluster import Cluster

        parent = os.getppid()
        stop = threading.Event()
        cluster = Cluster()
        cluster.start()

        def on_signal(signum: int, frame: FrameType | None) -> None:
            stop.set()  # idempotent: a Ctrl-C or `timeout` signals the whole group at once

        # The parent forwards SIGTERM; a terminal's SIGINT to the group is the parent's to handle.
        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # A parent killed outright cannot tell us: notice being handed to another parent.
        while not stop.wait(0.5) and os.getppid() == parent:
            pass
        cluster.stop()
