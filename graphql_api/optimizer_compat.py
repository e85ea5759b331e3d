"""The one place the optimizer (graphql_api/optimizer.py) reads library internals: Strawberry's,
graphql-core's and Django's queryset state. Tested on each supported line of Django, Strawberry
and strawberry-django by tests/graphql/test_optimizer_internals_behind_one_module.py.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any, TypeVar

from django.db.models import QuerySet
from graphql import GraphQLResolveInfo, GraphQLSchema, SelectionSetNode
from strawberry.types import Info

_N = TypeVar("_N")


def raw_info(info: Any) -> GraphQLResolveInfo:
    """graphql-core's resolve info behind Strawberry's `Info` (or `info` itself)."""
    return info._raw_info if isinstance(info, Info) else info  # type: ignore[no-any-return]


def replace_info(raw: GraphQLResolveInfo, **changes: Any) -> GraphQLResolveInfo:
    """A copy of graphql-core's resolve info (a NamedTuple) with `changes`."""
    return raw._replace(**changes)


def strawberry_definition(schema: GraphQLSchema, type_name: str) -> Any:
    """Strawberry's definition of the GraphQL type `type_name` in `schema`."""
    return schema._strawberry_schema.get_type_by_name(type_name)  # type: ignore[attr-defined]


def with_selection_set(node: _N, selection_set: SelectionSetNode) -> _N:
    """A copy of the AST `node` with `selection_set` (graphql-core 3.3 nodes are frozen
    dataclasses, older ones plain mutable objects)."""
    if dataclasses.is_dataclass(node):
        return dataclasses.replace(node, selection_set=selection_set)  # type: ignore[type-var]
    changed = copy.copy(node)
    setattr(changed, "selection_set", selection_set)  # noqa: B010
    return changed


def prefetch_lookups(qs: QuerySet[Any]) -> tuple[Any, ...]:
    """The lookups `qs.prefetch_related()` was given."""
    return tuple(getattr(qs, "_prefetch_related_lookups", ()))


def is_evaluated(qs: QuerySet[Any]) -> bool:
    """Whether `qs` already holds its rows."""
    return qs._result_cache is not None  # type: ignore[attr-defined]


def deferred_loading(qs: QuerySet[Any]) -> tuple[frozenset[str], bool]:
    """Django's (names, defer) pair: defer() names when True, only() names when False."""
    names, deferring = qs.query.deferred_loading
    return frozenset(names), bool(deferring)


def only_filtered(qs: QuerySet[Any]) -> bool:
    """Whether `qs` changes nothing but which rows load: no joins, annotations, extra(),
    distinct or slice."""
    query = qs.query
    return (
        query.select_related is False
        and not query.annotations
        and not query.extra
        and not query.distinct
        and not query.is_sliced
    )
