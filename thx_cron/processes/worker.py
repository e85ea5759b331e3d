"""The worker process: a django-q2 cluster that executes runs, and the dispatcher loop."""

from __future__ import annotations

import logging
import signal
import threading
import time
from types import FrameType

from django.db import close_old_connections, connections
from django.utils import timezone

from thx_cron import dispatch, recovery
from thx_cron.conf import thx_settings
from thx_cron.models import Job
from thx_cron.ops import metrics
from thx_cron.processes.children import ChildFailed, ClusterChild

logger = logging.getLogger(__name__)


def seconds_until_next_due(limit: float) -> float:
    """Return how long the dispatcher may sleep: until CLAIM_AHEAD before the next due job, at
    most `limit`."""
    upcoming = Job.objects.next_run_time()
    if upcoming is None:
        return limit
    until = (upcoming - timezone.now()).total_seconds() - thx_settings.CLAIM_AHEAD
    return max(0.0, min(limit, until))


def dispatch_forever(stop: threading.Event, interval: float | None = None) -> None:
    """Tick until `stop` is set; database outages are logged and retried."""
    interval = interval or thx_settings.DISPATCH_INTERVAL
    failures = 0
    try:
        dispatch.prepare()
    except Exception:  # a broker that is down now is retried by every tick
        logger.warning("Could not prepare the dispatcher; the first tick will", exc_info=True)
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


def cluster_queues() -> list[str | None]:
    """The django-q2 queues a worker serves: thx-cron's (None: the default) and the extra ones."""
    run_queue = thx_settings.CLUSTER
    extra = [name for name in thx_settings.WORKER_QUEUES if name and name != run_queue]
    return [run_queue, *dict.fromkeys(extra)]


def run_worker(*, dispatcher: bool = True, cluster: bool = True) -> int:
    """Supervise a django-q2 cluster per queue and run the dispatcher until SIGTERM or SIGINT.

    Return the exit status: 0 when stopped by a signal, 1 when a cluster kept dying.
    """
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()  # idempotent: a whole group may be signalled, and more than once

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    children = [ClusterChild(queue) for queue in cluster_queues()] if cluster else []
    for child in children:
        child.start()
    failed: list[str] = []

    def supervise() -> None:
        while not stop.wait(1.0):
            for child in children:
                try:
                    child.check()
                except ChildFailed as exc:
                    logger.critical("thx-cron worker stopping: %s", exc)
                    failed.append(str(exc))
                    stop.set()
                    return

    supervisor = threading.Thread(target=supervise, name="thx-cron supervisor", daemon=True)
    supervisor.start()
    try:
        if dispatcher:
            logger.info("thx-cron dispatcher started")
            dispatch_forever(stop)
        else:
            stop.wait()
    finally:
        stop.set()
        supervisor.join()
        _stop_children(children)
        connections.close_all()
    return 1 if failed else 0


def _stop_children(children: list[ClusterChild]) -> None:
    """Let running runs finish within the shutdown grace; kill what is left, and end its runs
    as recovery would (lost, retried as the job allows)."""
    grace = thx_settings.SHUTDOWN_GRACE
    if children:
        logger.info("thx-cron worker stopping; running runs have %.0f s to finish", grace)
    for child in children:
        child.ask_to_stop()
    deadline = time.monotonic() + grace
    killed: list[str] = []
    for child in children:
        killed += child.wait_or_kill(deadline)
    if killed:
        try:
            recovery.end_runs_of(
                killed, f"the worker stopped and the run outlasted its {grace:g} s grace"
            )
        except Exception:
            logger.exception("Could not end the runs of killed processes; recovery will")
