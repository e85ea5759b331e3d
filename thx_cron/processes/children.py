"""The clusters a worker supervises: one `thx_cron_queue` child per django-q2 queue.

Each child runs in a process group of its own (see thx_cron.processes.process_group) and inherits
this process's import path and settings module, so that it starts wherever the worker was started
from (systemd runs it from /). A child that dies is restarted; one that keeps dying stops the
worker with an error instead of leaving a queue unserved in silence.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time

from thx_cron.processes import process_group

logger = logging.getLogger(__name__)

# A child that dies this many times within RESTART_WINDOW seconds stops the worker.
MAX_RESTARTS = 5
RESTART_WINDOW = 60.0


# The environment variable that tells a child its supervisor's pid: a child that finds another
# parent (its supervisor died, perhaps before the child could look) takes its group down.
SUPERVISOR_PID = "THX_CRON_SUPERVISOR_PID"


class ChildFailed(RuntimeError):
    pass


def child_environment(queue: str | None) -> dict[str, str]:
    """The environment of a cluster child: ours, with our sys.path and the queue's name."""
    env = dict(os.environ)
    paths = [path or os.getcwd() for path in sys.path]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(os.path.abspath(p) for p in paths))
    if queue is not None:
        env["Q_CLUSTER_NAME"] = queue
    env[SUPERVISOR_PID] = str(os.getpid())
    return env


class ClusterChild:
    """One django-q2 cluster (the default one when `queue` is None) in a child process."""

    def __init__(self, queue: str | None) -> None:
        self.queue = queue
        self.proc: subprocess.Popen[bytes] | None = None
        self.deaths: list[float] = []

    @property
    def label(self) -> str:
        return self.queue or "default"

    def start(self) -> None:
        logger.info("thx-cron worker serving the django-q2 queue %s", self.label)
        # -P: the current directory does not go first on the import path (systemd starts us
        # in /); the child's path is exactly ours, through PYTHONPATH.
        self.proc = subprocess.Popen(
            [sys.executable, "-P", "-m", "thx_cron", "thx_cron_queue"],
            env=child_environment(self.queue),
            process_group=0,
        )

    def check(self) -> None:
        """Restart the child if it died; raise ChildFailed if it keeps dying."""
        if self.proc is None or self.proc.poll() is None:
            return
        code = self.proc.returncode
        process_group.kill(self.proc.pid)  # whatever it left behind in its group
        now = time.monotonic()
        self.deaths = [t for t in self.deaths if now - t < RESTART_WINDOW] + [now]
        if len(self.deaths) > MAX_RESTARTS:
            raise ChildFailed(
                f"the django-q2 cluster of queue {self.label} exited with code {code} "
                f"{len(self.deaths)} times within {RESTART_WINDOW:.0f} s"
            )
        logger.error(
            "The django-q2 cluster of queue %s exited with code %s; restarting it",
            self.label,
            code,
        )
        self.start()

    def ask_to_stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)

    def wait_or_kill(self, deadline: float) -> list[str]:
        """Wait for the child until `deadline`; then kill its group. Return the worker names
        (host:pid) of the processes that were killed."""
        if self.proc is None:
            return []
        try:
            self.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        killed = process_group.members(self.proc.pid)
        if killed:
            logger.warning(
                "The django-q2 cluster of queue %s did not stop within the shutdown grace; "
                "killing its %d process(es)",
                self.label,
                len(killed),
            )
        process_group.kill(self.proc.pid)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            logger.error(
                "The cluster of queue %s (pid %s) survived SIGKILL", self.label, self.proc.pid
            )
        host = socket.gethostname()
        return [f"{host}:{pid}" for pid in killed]
