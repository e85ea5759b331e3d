"""The connection type of every top-level list: strawberry-django's, with `totalCount` as its own
COUNT and a bounded `totalCountUpTo` for lists too large to count on every page; and `connection`,
which declares a connection field (top-level or nested) that reads only its own selections."""

from __future__ import annotations

import inspect
from collections.abc import Sized
from typing import Annotated, Any

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import relay
from strawberry_django.pagination import get_cached_total_count
from strawberry_django.queryset import get_queryset_config
from strawberry_django.relay import DjangoListConnection
from strawberry_django.resolvers import django_resolver

from thx_cron_graphql.errors import InvalidArgument
from thx_cron_graphql.paging import ConnectionArguments
from thx_cron_graphql.selections import ShallowSelections
from thx_cron_graphql.strawberry_compat import window_total

# Strawberry's relay limit (StrawberryConfig.relay_max_results): a larger `first` or `last` is
# refused. Said in the SDL of every list, so that clients need not find out by trial.
PAGE_LIMIT = 100
PAGE_LIMIT_NOTE = f"At most {PAGE_LIMIT} per page (`first`/`last`); page on with `after`."

UP_TO_DESCRIPTION = (
    "The exact number of nodes if there are at most `limit`, else null (there are more). Reads "
    "at most `limit` + 1 rows where `totalCount` reads every matching one: on a large list, a "
    'page can say "more than 10,000" without counting them all.'
)


@strawberry.type(name="CountedConnection", description="A connection to a top-level list.")
class ListConnection(DjangoListConnection[relay.NodeType]):
    """Count a top-level list with one COUNT query instead of a window over every row.

    strawberry-django adds ``COUNT(1) OVER ()`` to the page query when `totalCount` is asked for,
    which makes the database read the whole result before the LIMIT: on 1,000,000 runs the first
    page of `jobLogs` took 0.5-0.8 s (benchmarks/scale_queries.py). Nested lists loaded by
    prefetching (`job { runs }`) keep strawberry-django's per-parent window.
    """

    @strawberry.field(description=UP_TO_DESCRIPTION)
    def total_count_up_to(
        self,
        limit: Annotated[
            int, strawberry.argument(description="The largest total to report (0 or more).")
        ],
    ) -> int | None:
        if limit < 0:
            raise InvalidArgument("limit", "Must be 0 or more.")
        assert self.nodes is not None
        known = self._known_total()
        if known is not None:
            return known if known <= limit else None
        # Top-level lists are querysets; counting runs in a thread when the schema runs async.
        assert isinstance(self.nodes, QuerySet)
        counted: Any = django_resolver(count_up_to)(self.nodes, limit)
        return counted  # type: ignore[no-any-return]

    def _known_total(self) -> int | None:
        """Return the total the page query already carries (a window annotation), if any."""
        total = window_total(self.edges[0].node) if self.edges else None
        if total is not None:
            return total
        if isinstance(self.nodes, QuerySet):
            return get_cached_total_count(self.nodes)
        return len(self.nodes) if isinstance(self.nodes, Sized) else None

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


def connection(node_type: str, **options: Any) -> Any:
    """Declare a connection field to `node_type` nodes that checks its paging arguments and
    filters, and reads only its own selections (never an expansion of the fragments below)."""
    extensions = [*options.pop("extensions", ()), ShallowSelections()]
    field = strawberry_django.connection(extensions=extensions, **options)
    # Last, so outermost: it sees the paging arguments before strawberry's connection does.
    field.extensions.append(ConnectionArguments(node_type))
    return field


def count_up_to(nodes: QuerySet[Any], limit: int) -> int | None:
    """Return how many `nodes` there are if at most `limit`, else None, reading `limit` + 1 rows."""
    # Without ORDER BY the database stops after the first `limit` + 1 rows of any index.
    found = nodes.order_by()[: limit + 1].count()
    return found if found <= limit else None
