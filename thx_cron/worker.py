"""The worker process: a django-q2 cluster that executes runs, and the dispatcher loop."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from types import FrameType

from django.db import close_old_connections, connections
from django.utils import timezone

from thx_cron import dispatch, metrics
from thx_cron.conf import thx_settings
from thx_cron.models import Job

logger = logging.getLogger(__name__)


def seconds_until_next_due(limit: float) -> float:
    """Return how long the dispatcher may sleep: until the next due job, at most `limit`."""
    upcoming = (
        Job.objects.filter(enabled=True, next_run_at__isnull=False)
        .order_by("next_run_at")
        .values_list("next_run_at", flat=True)
        .first()
    )
    if upcoming is None:
        return limit
    return max(0.0, min(limit, (upcoming - timezone.now()).total_seconds()))


def dispatch_forever(stop: threading.Event, interval: float | None = None) -> None:
    """Tick until `stop` is set; database outages are logged and retried."""
    interval = interval or thx_settings.DISPATCH_INTERVAL
    failures = 0
    while not stop.is_set():
        try:
            with metrics.tick_timer():
                dispatch.tick()
            pause = seconds_until_next_due(interval)
            failures = 0
        except Exception:
            failures += 1
            pause = min(0.5 * 2**failures, 10.0)
            logger.exception("Dispatcher tick failed; retrying in %.1f s", pause)
            close_old_connections()
            for conn in connections.all():
                conn.close_if_unusable_or_obsolete()
        stop.wait(pause)


def run_worker(*, dispatcher: bool = True, cluster: bool = True) -> None:
    """Run the django-q2 cluster and the dispatcher until SIGTERM or SIGINT."""
    from django_q.cluster import Cluster

    stop = threading.Event()
    q2 = None
    queues: list[subprocess.Popen[bytes]] = []
    if cluster:
        queues = [_start_queue(name) for name in thx_settings.WORKER_QUEUES]
        connections.close_all()  # the cluster forks; children must not share our connections
        q2 = Cluster()
        q2.start()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        if dispatcher:
            logger.info("thx-cron dispatcher started")
            dispatch_forever(stop)
        else:
            while not stop.wait(1.0):
                pass
    finally:
        for child in queues:
            child.send_signal(signal.SIGTERM)
        if q2 is not None:
            q2.stop()
        for child in queues:
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
        connections.close_all()


def _start_queue(name: str) -> subprocess.Popen[bytes]:
    """Run a django-q2 cluster for the queue `name` (an ALT_CLUSTERS entry) as a child."""
    logger.info("thx-cron worker serving queue %s", name)
    env = {**os.environ, "Q_CLUSTER_NAME": name}
    return subprocess.Popen([sys.executable, "-m", "thx_cron", "thx_cron_queue"], env=env)
