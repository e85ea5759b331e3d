"""The connection type of every list: strawberry-django's, with `totalCount` as its own COUNT."""

from __future__ import annotations

import inspect
from typing import Any

import strawberry
from django.db.models import QuerySet
from strawberry import relay
from strawberry_django.queryset import get_queryset_config
from strawberry_django.relay import DjangoListConnection


@strawberry.type(name="CountedConnection", description="A connection to a top-level list.")
class ListConnection(DjangoListConnection[relay.NodeType]):
    """Count a top-level list with one COUNT query instead of a window over every row.

    strawberry-django adds ``COUNT(1) OVER ()`` to the page query when `totalCount` is asked for,
    which makes the database read the whole result before the LIMIT: on 1,000,000 runs the first
    page of `jobLogs` took 0.5-0.8 s (benchmarks/scale_queries.py). Nested lists loaded by
    prefetching (`job { runs }`) keep strawberry-django's per-parent window.
    """

    @classmethod
    def resolve_connection(cls, nodes: Any, *, info: Any, **kwargs: Any) -> Any:
        config = get_queryset_config(nodes) if isinstance(nodes, QuerySet) else None
        if config is None or config.optimized_by_prefetching or kwargs.get("last"):
            return super().resolve_connection(nodes, info=info, **kwargs)
        conn = super(DjangoListConnection, cls).resolve_connection(nodes, info=info, **kwargs)
        if inspect.isawaitable(conn):

            async def resolved() -> Any:
                done = await conn
                done.nodes = nodes
                return done

            return resolved()
        conn.nodes = nodes
        return conn
