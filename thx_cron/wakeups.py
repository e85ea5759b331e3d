"""Waking subscription readers in every process once new outbox events are committed.

The outbox (thx_cron.events) is the truth and readers also poll, so a wake-up only makes them
look sooner; one carries the id of the newest event, which covers every earlier one.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any

from asgiref.sync import async_to_sync

from thx_cron.processes.per_process import PerProcess

logger = logging.getLogger(__name__)

# The channel-layer group that every subscription reader of this deployment listens on.
WAKE_GROUP = "thx_cron.events"
WAKE_MESSAGE_TYPE = "thx_cron.events.new"


def _nobody_listens_here(layer: object) -> bool:
    """A process-local layer with no reader in this process (a worker) has no one to wake."""
    from channels.layers import InMemoryChannelLayer

    return isinstance(layer, InMemoryChannelLayer) and not layer.groups.get(WAKE_GROUP)


def load_backend() -> None:
    """Import the configured channel layer's module (channels-redis and what it imports take
    tens of milliseconds), so that processes forked from this one have it already."""
    from channels.layers import DEFAULT_CHANNEL_LAYER
    from django.conf import settings
    from django.utils.module_loading import import_string

    config = getattr(settings, "CHANNEL_LAYERS", {}).get(DEFAULT_CHANNEL_LAYER)
    if config and config.get("BACKEND"):
        import_string(config["BACKEND"])


def prepare() -> None:
    """Make this process's channel layer and, where wake-ups leave the process, the thread that
    sends them, before the first commit that needs them: made then, they cost that commit tens
    of milliseconds (the first run of a worker after its start)."""
    from channels.layers import InMemoryChannelLayer, get_channel_layer

    layer = get_channel_layer()
    if layer is not None and not isinstance(layer, InMemoryChannelLayer):
        _waker.get()


def wake_readers(last_event_id: int) -> None:
    """Tell subscription readers in every process that events up to `last_event_id` exist."""
    from channels.layers import InMemoryChannelLayer, get_channel_layer

    layer = get_channel_layer()
    if layer is None or _nobody_listens_here(layer):
        return
    if isinstance(layer, InMemoryChannelLayer):
        # Its queues belong to the readers' event loop, which async_to_sync reaches from here.
        _send_wake(layer, last_event_id)
    else:
        _waker.get().wake(last_event_id)


def _send_wake(layer: Any, last_event_id: int) -> None:
    try:
        async_to_sync(layer.group_send)(
            WAKE_GROUP, {"type": WAKE_MESSAGE_TYPE, "last_event_id": last_event_id}
        )
    except Exception:  # the outbox is the truth and readers also poll: a lost wake-up is only late
        logger.warning("Could not wake event readers", exc_info=True)


class _Waker:
    """Send wake-ups from one background thread with its own event loop.

    A run commits several events; sending each through a fresh event loop (async_to_sync) and
    a new Redis connection would cost milliseconds per commit on the run's own path. The thread
    coalesces wake-ups that arrive while it is sending or pausing after a send, since one
    wake-up covers all earlier ids: a busy worker sends at most one per PAUSE.

    The first commit after a quiet spell wakes readers at once. Within a burst, one send costs
    about half a millisecond of this process's CPU (channels-redis), and a reader also polls
    every 75 ms (event_stream.POLL_SECONDS): 50 ms between sends keeps a worker that records
    hundreds of runs a second from spending a few percent of its time on wake-ups, and delays
    a burst's later events by at most that.
    """

    PAUSE = 0.05

    def __init__(self) -> None:
        self._pending: queue.SimpleQueue[int] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="thx-cron-waker", daemon=True)
        self._thread.start()

    def wake(self, last_event_id: int) -> None:
        self._pending.put(last_event_id)

    def _run(self) -> None:
        import asyncio

        from channels.layers import get_channel_layer

        loop = asyncio.new_event_loop()
        layer = get_channel_layer()
        while True:
            last = self._pending.get()
            while not self._pending.empty():
                last = max(last, self._pending.get())
            try:
                loop.run_until_complete(
                    layer.group_send(WAKE_GROUP, {"type": WAKE_MESSAGE_TYPE, "last_event_id": last})
                )
            except Exception:  # as above: readers poll too, so a lost wake-up is only late
                logger.warning("Could not wake event readers", exc_info=True)
            time.sleep(self.PAUSE)


_waker = PerProcess(_Waker)
