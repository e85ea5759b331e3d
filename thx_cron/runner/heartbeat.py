"""While a run executes: renew its lease, publish new output, and notice a cancel request."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from types import TracebackType

from django.db import close_old_connections, connections
from django.utils import timezone

from thx_cron import events, statements
from thx_cron.models import JobEvent, JobLog
from thx_cron.processes.per_process import PerProcess
from thx_cron.runner.capture import BoundedBuffer
from thx_cron.runner.interrupt import Interrupter

logger = logging.getLogger(__name__)

# Output events carry at most this much of the newly appended text.
OUTPUT_CHUNK = 4096
# Between beats, a run looks this often for a cancel request and publishes new output, so that
# a cancel takes effect and output appears within about a second (runs shorter never look).
STEP_SECONDS = 1.0


class Heartbeat:
    """Beat for one run while inside the block, from the process's heartbeat thread."""

    def __init__(
        self,
        run: JobLog,
        buffer: BoundedBuffer,
        interrupter: Interrupter,
        every: float,
        *,
        on_long: Callable[[], None] | None = None,
        waiting: list[int] | None = None,
    ) -> None:
        self.run = run
        # Claimed runs waiting behind this one in its batch: their lease is renewed with its own.
        self.waiting = waiting or []
        # Called once, at the first step, if the run lasts that long (see execution.Batch).
        self.on_long = on_long
        self.buffer = buffer
        self.interrupter = interrupter
        self.every = every
        self.step_every = min(every, STEP_SECONDS)
        self.next_beat = 0.0  # the next step; a full beat when `next_full` has come
        self.next_full = 0.0
        self._published = 0

    def __enter__(self) -> Heartbeat:
        self.next_beat = time.monotonic() + self.step_every
        self.next_full = time.monotonic() + self.every
        _beater.get().add(self)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Once removed (under the beater's lock) no beat, and so no cancel, can reach the run.
        _beater.get().remove(self)

    def step(self) -> None:
        """Beat when due or when there is new output; otherwise only look for a cancel."""
        if self.on_long is not None:
            on_long, self.on_long = self.on_long, None
            on_long()
        if time.monotonic() >= self.next_full or self.buffer.written != self._published:
            self.next_full = time.monotonic() + self.every
            self.beat()
        elif JobLog.objects.filter(pk=self.run.pk, cancel_requested=True).exists():
            self.interrupter.cancel()
            self.next_beat = float("inf")

    def beat(self) -> None:
        """Renew the lease, store new output with an event, and honour a cancel request."""
        from django.db import transaction

        now = timezone.now()
        changes: dict[str, object] = {"heartbeat_at": now}
        written = self.buffer.written
        chunk = ""
        if written != self._published:
            output = self.buffer.getvalue()
            changes["output"] = output
            chunk = output[-min(written - self._published, OUTPUT_CHUNK) :]
        with transaction.atomic(using=statements.alias()):
            alive = JobLog.objects.filter(pk=self.run.pk, status=JobLog.Status.RUNNING)
            updated = alive.update(**changes)
            if self.waiting:
                JobLog.objects.filter(pk__in=self.waiting, status=JobLog.Status.RUNNING).update(
                    heartbeat_at=now
                )
            if updated and chunk:
                events.record(self.run, JobEvent.Kind.OUTPUT, {"appended": chunk})
        self._published = written
        cancel = JobLog.objects.filter(pk=self.run.pk, cancel_requested=True).exists()
        if cancel or not updated:
            # Cancelled, or already ended by recovery: stop the action rather than run on.
            self.interrupter.cancel()
            self.next_beat = float("inf")


class _Beater:
    """One thread per process beats for every run executing in it.

    A thread per run would cost its start and, above all, a join at the end of every run
    (milliseconds of GIL hand-offs), which dominated short runs.
    """

    IDLE_WAIT = 1.0

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.beats: set[Heartbeat] = set()
        self.changed = threading.Event()
        thread = threading.Thread(target=self._loop, name="thx-cron-heartbeat", daemon=True)
        thread.start()

    def add(self, heartbeat: Heartbeat) -> None:
        with self.lock:
            self.beats.add(heartbeat)
        # The thread looks again within IDLE_WAIT anyway; waking it for every run would cost a
        # thread switch per run for nothing.
        if heartbeat.every < self.IDLE_WAIT:
            self.changed.set()

    def remove(self, heartbeat: Heartbeat) -> None:
        with self.lock:
            self.beats.discard(heartbeat)

    def _loop(self) -> None:
        while True:
            with self.lock:
                soonest = min((hb.next_beat for hb in self.beats), default=None)
            wait = self.IDLE_WAIT if soonest is None else soonest - time.monotonic()
            if wait > 0:
                self.changed.wait(min(wait, self.IDLE_WAIT))
                self.changed.clear()
                continue
            with self.lock:
                for heartbeat in [hb for hb in self.beats if hb.next_beat <= time.monotonic()]:
                    heartbeat.next_beat = max(heartbeat.next_beat, time.monotonic())
                    heartbeat.next_beat += heartbeat.step_every
                    try:
                        heartbeat.step()
                    except Exception:  # a missed beat is retried; the lease tolerates several
                        logger.warning(
                            "Heartbeat of run %s failed", heartbeat.run.pk, exc_info=True
                        )
                        close_old_connections()
                        connections[statements.alias()].close()


_beater = PerProcess(_Beater)


def prepare() -> None:
    """Start this process's heartbeat thread before its first run: started by that run, it
    cost it about 10 ms (Thread.start waits for the new thread to take the GIL)."""
    _beater.get()
