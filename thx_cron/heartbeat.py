"""While a run executes: renew its lease, publish new output, and notice a cancel request."""

from __future__ import annotations

import logging
import threading
from types import TracebackType

from django.db import close_old_connections, connection
from django.utils import timezone

from thx_cron import events
from thx_cron.capture import BoundedBuffer
from thx_cron.interrupt import Interrupter
from thx_cron.models import JobEvent, JobLog

logger = logging.getLogger(__name__)

# Output events carry at most this much of the newly appended text.
OUTPUT_CHUNK = 4096


class Heartbeat:
    def __init__(
        self, run: JobLog, buffer: BoundedBuffer, interrupter: Interrupter, every: float
    ) -> None:
        self.run = run
        self.buffer = buffer
        self.interrupter = interrupter
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"thx-cron-heartbeat-{run.pk}")
        self._thread.daemon = True
        self._published = 0

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        try:
            while not self._stop.wait(self.every):
                try:
                    self.beat()
                except Exception:  # a missed beat is retried; the lease tolerates several
                    logger.warning("Heartbeat of run %s failed", self.run.pk, exc_info=True)
                    close_old_connections()
        finally:
            connection.close()

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
        with transaction.atomic():
            alive = JobLog.objects.filter(pk=self.run.pk, status=JobLog.Status.RUNNING)
            updated = alive.update(**changes)
            if updated and chunk:
                events.record(self.run, JobEvent.Kind.OUTPUT, {"appended": chunk})
        self._published = written
        cancel = JobLog.objects.filter(pk=self.run.pk, cancel_requested=True).exists()
        if cancel or not updated:
            # Cancelled, or already ended by recovery: stop the action rather than run on.
            self.interrupter.cancel()
            self._stop.set()
