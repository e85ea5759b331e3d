"""Check a connection's paging arguments (and filters) before strawberry reads them.

strawberry answers a cursor of bad base64, ``arrayconnection:-5`` or a negative page size with an
exception's text (and a traceback in the log); here each is an `InvalidArgument` naming the
argument.
"""

from __future__ import annotations

import binascii
from base64 import b64decode
from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.relay.types import PREFIX
from strawberry.types import Info

from thx_cron_graphql.errors import InvalidArgument
from thx_cron_graphql.filter_checks import check_filters

# Offsets beyond this are no page of any list this server holds.
MAX_OFFSET = 10**12


def check_paging(arguments: dict[str, Any], max_results: int) -> None:
    """Raise InvalidArgument for a bad `before`/`after` cursor, or a `first`/`last` that is
    negative or above `max_results`."""
    for name in ("after", "before"):
        cursor = arguments.get(name)
        if cursor is not None:
            cursor_offset(name, cursor)
    for name in ("first", "last"):
        size = arguments.get(name)
        if size is not None and not 0 <= size <= max_results:
            raise InvalidArgument(name, f"Must be between 0 and {max_results}.")


def cursor_offset(name: str, cursor: str) -> int:
    """Return the offset in a cursor of a list, or raise InvalidArgument naming `name`."""
    problem = f"{cursor[:40]!r} is not a cursor of this list."
    if len(cursor) > 64:
        raise InvalidArgument(name, problem)
    try:
        text = b64decode(cursor.encode("ascii"), validate=True).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError):
        raise InvalidArgument(name, problem) from None
    prefix, _, offset = text.partition(":")
    if prefix != PREFIX or not (offset.isascii() and offset.isdigit()) or len(offset) > 12:
        raise InvalidArgument(name, problem)
    value = int(offset)
    if value > MAX_OFFSET:
        raise InvalidArgument(name, problem)
    return value


class ConnectionArguments(FieldExtension):
    """Check paging arguments and filters before the connection (the next extension) reads them."""

    def __init__(self, node_type: str) -> None:
        self.node_type = node_type

    def check(self, info: Info, arguments: dict[str, Any]) -> None:
        check_paging(arguments, info.schema.config.relay_max_results)
        filters = arguments.get("filters")
        if filters is not None:
            check_filters(filters, self.node_type)

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        self.check(info, kwargs)
        return next_(source, info, **kwargs)

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        self.check(info, kwargs)
        return await next_(source, info, **kwargs)
