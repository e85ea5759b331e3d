"""End live WebSocket connections whose API token was revoked or expired, in every process.

Each web process keeps the tokens of its own live connections and, every
THX_CRON_TOKEN_RECHECK_SECONDS, asks the database (the source of truth, shared by all processes)
which of them are still active: one query per process and interval, however many connections.
Connections of a token that is no longer active are closed.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable

from asgiref.sync import sync_to_async

from thx_cron.conf import thx_settings
from thx_cron_graphql.models import ApiToken

logger = logging.getLogger(__name__)

Closer = Callable[[], Awaitable[None]]


def _active(token_ids: list[int]) -> set[int]:
    return set(ApiToken.objects.active().filter(pk__in=token_ids).values_list("pk", flat=True))


class TokenWatch:
    """The live connections of one event loop (one ASGI process), by token id."""

    def __init__(self) -> None:
        self.closers: dict[int, set[Closer]] = {}
        self.task: asyncio.Task[None] | None = None

    def add(self, token_id: int, closer: Closer) -> None:
        self.closers.setdefault(token_id, set()).add(closer)
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self._run())

    def discard(self, token_id: int, closer: Closer) -> None:
        closers = self.closers.get(token_id)
        if closers is not None:
            closers.discard(closer)
            if not closers:
                del self.closers[token_id]

    async def _run(self) -> None:
        while self.closers:
            await asyncio.sleep(thx_settings.TOKEN_RECHECK_SECONDS)
            await self.check()

    async def check(self) -> None:
        """Close the connections of every watched token that is no longer active."""
        watched = list(self.closers)
        if not watched:
            return
        try:
            active = await sync_to_async(_active)(watched)
        except Exception as exc:  # the database is away: keep the connections, ask again later
            logger.warning("Could not check the API tokens of live connections: %s", exc)
            return
        for token_id in watched:
            if token_id in active:
                continue
            for closer in list(self.closers.pop(token_id, ())):
                try:
                    await closer()
                except Exception:
                    logger.warning("Could not close a connection of API token %s", token_id)


_watches: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, TokenWatch] = (
    weakref.WeakKeyDictionary()
)


def for_this_loop() -> TokenWatch:
    """Return the watch of the running event loop (the ASGI process's)."""
    loop = asyncio.get_running_loop()
    watch = _watches.get(loop)
    if watch is None:
        watch = _watches[loop] = TokenWatch()
    return watch
