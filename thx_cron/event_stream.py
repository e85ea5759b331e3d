"""The per-process reader of the JobEvent outbox that live subscriptions listen to.

One `EventReader` per event loop (one per ASGI process) follows the outbox: it polls for events
after the last one it saw every POLL_SECONDS, and wakes at once when `thx_cron.events` announces
new events on the channel layer (in-process with the in-memory layer, across processes with
channels-redis). It hands each event, in id order and once, to every subscriber's queue.
The outbox stays the source of truth: a lost wake-up only delays delivery until the next poll.

Ids are allocated before commit, so on PostgreSQL a later id can become visible before an
earlier one. The reader therefore waits up to GAP_SECONDS for a missing id to appear before it
moves past it (a rolled-back or deleted event leaves a gap that never fills).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from asgiref.sync import sync_to_async

from thx_cron.models import JobEvent
from thx_cron.wakeups import WAKE_GROUP, WAKE_MESSAGE_TYPE

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.075
GAP_SECONDS = 1.0
BATCH = 500
# Group memberships expire in channel layers (a day by default); renew well before that.
RENEW_GROUP_SECONDS = 600.0
# A subscriber that falls this far behind is dropped rather than holding memory without bound.
MAX_PENDING = 10_000

EventFilter = Callable[[JobEvent], bool]


class SubscriberOverflow(Exception):
    """The subscriber did not keep up and lost its place; it should resume from its last id."""


@dataclass(eq=False)
class Subscriber:
    accepts: EventFilter
    queue: asyncio.Queue[JobEvent | None] = field(default_factory=asyncio.Queue)
    overflowed: bool = False


def _load(after: int, upto: int | None = None, limit: int = BATCH) -> list[JobEvent]:
    events = JobEvent.objects.select_related("job", "run", "run__job").filter(id__gt=after)
    if upto is not None:
        events = events.filter(id__lte=upto)
    return list(events.order_by("id")[:limit])


def _last_id() -> int:
    last = JobEvent.objects.order_by("-id").values_list("id", flat=True).first()
    return int(last or 0)


class EventReader:
    """Follow the outbox for one event loop and fan events out to subscribers."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.cursor = 0  # every event with an id up to here has been handed out (or skipped)
        self.subscribers: set[Subscriber] = set()
        self._wake = asyncio.Event()
        self._started = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        # When each event held back behind a gap was first seen.
        self._held_since: dict[int, float] = {}

    async def start(self) -> None:
        if not self._tasks:
            self._tasks = [
                self.loop.create_task(self._follow()),
                self.loop.create_task(self._listen()),
            ]
        await self._started.wait()

    async def stop(self) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._started = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def _follow(self) -> None:
        self.cursor = await sync_to_async(_last_id, thread_sensitive=False)()
        self._started.set()
        while True:
            try:
                await self._read()
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not end every subscription
                logger.warning("Could not read job events", exc_info=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
            self._wake.clear()

    async def _read(self) -> None:
        while True:
            events = await sync_to_async(_load, thread_sensitive=False)(self.cursor)
            ready = self._in_order(events)
            for event in ready:
                self._hand_out(event)
            if len(events) < BATCH or not ready:
                return

    def _in_order(self, events: list[JobEvent]) -> list[JobEvent]:
        """Return the events that may go out now, advancing the cursor past them."""
        now = time.monotonic()
        ready: list[JobEvent] = []
        for event in events:
            seen = self._held_since.setdefault(event.pk, now)
            # Behind a gap, wait until this event has been visible for GAP_SECONDS.
            if event.pk != self.cursor + 1 and now - seen < GAP_SECONDS:
                break
            ready.append(event)
            self.cursor = event.pk
        for pk in [pk for pk in self._held_since if pk <= self.cursor]:
            del self._held_since[pk]
        return ready

    def _hand_out(self, event: JobEvent) -> None:
        for subscriber in list(self.subscribers):
            if subscriber.overflowed or not subscriber.accepts(event):
                continue
            if subscriber.queue.qsize() >= MAX_PENDING:
                subscriber.overflowed = True
                subscriber.queue.put_nowait(None)
                continue
            subscriber.queue.put_nowait(event)

    async def _listen(self) -> None:
        from channels.layers import get_channel_layer

        layer = get_channel_layer()
        if layer is None:
            return
        channel = await layer.new_channel()
        try:
            while True:
                await layer.group_add(WAKE_GROUP, channel)
                renew_at = time.monotonic() + RENEW_GROUP_SECONDS
                while time.monotonic() < renew_at:
                    try:
                        message = await asyncio.wait_for(layer.receive(channel), 30)
                    except TimeoutError:
                        continue
                    if message.get("type") == WAKE_MESSAGE_TYPE:
                        self.wake()
        except asyncio.CancelledError:
            raise
        except Exception:  # without wake-ups the reader still polls
            logger.warning("Event wake-ups unavailable; polling only", exc_info=True)
        finally:
            with contextlib.suppress(Exception):
                await asyncio.shield(layer.group_discard(WAKE_GROUP, channel))


_readers: dict[asyncio.AbstractEventLoop, EventReader] = {}


async def _reader() -> EventReader:
    loop = asyncio.get_running_loop()
    reader = _readers.get(loop)
    if reader is None:
        for stale in [other for other in _readers if other.is_closed()]:
            del _readers[stale]
        reader = _readers[loop] = EventReader(loop)
    await reader.start()
    return reader


async def subscribe(
    accepts: EventFilter, after_event_id: int | None = None
) -> AsyncIterator[JobEvent]:
    """Yield the events that `accepts`, in id order, once: those after `after_event_id`, then live.

    Without `after_event_id` only events committed from now on are yielded.
    """
    reader = await _reader()
    subscriber = Subscriber(accepts)
    # Registering and reading the cursor happen with no await in between: every event up to
    # `start` comes from the backlog below, every later one through the queue.
    reader.subscribers.add(subscriber)
    start = reader.cursor
    last = after_event_id if after_event_id is not None else start
    try:
        while after_event_id is not None and last < start:
            backlog = await sync_to_async(_load, thread_sensitive=False)(last, start)
            if not backlog:
                break
            for event in backlog:
                last = event.pk
                if accepts(event):
                    yield event
        while True:
            received = await subscriber.queue.get()
            if received is None:
                raise SubscriberOverflow(f"Subscriber fell behind after event {last}.")
            if received.pk > last:
                last = received.pk
                yield received
    finally:
        reader.subscribers.discard(subscriber)
        if not reader.subscribers and _readers.get(reader.loop) is reader:
            del _readers[reader.loop]
            await reader.stop()
