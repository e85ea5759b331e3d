"""The one module of thx_cron_graphql that reaches into library internals: Strawberry's,
strawberry-django's and graphql-core's, and the queryset state strawberry-django's optimizer
leaves behind. Everything else in the package uses their public APIs; a test fails when a
private attribute is read anywhere else (tests/graphql/test_library_internals_are_reached_
through_one_module.py, which also runs on the lowest and highest versions pyproject.toml allows).

Why each piece is needed, and what it is worth, is said where it is used:
- `raw_info`, `replace_info`, `with_selection_set`: optimizer.py's ``edges { node }`` on nested
  connections (without it a page of jobs counting their runs costs a query per job);
- `raw_info`, `preset_selected_fields`: selections.py (connections never expand fragments);
- `window_total`: connections.py's `totalCountUpTo` (the total a prefetch window already read);
- `replace_node_id_field`: fields.py's node ids from the pk (no Info object per id);
- `prefetch_lookups`, `is_evaluated`, `deferred_loading`, `only_filtered`: optimizer.py's join
  of a job's last run instead of a prefetch (one query less per page).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import QuerySet
from graphql import GraphQLResolveInfo, SelectionSetNode
from strawberry.types import Info
from strawberry.types.base import get_object_definition
from strawberry.types.field import StrawberryField
from strawberry.types.nodes import SelectedField

_N = TypeVar("_N")
_T = TypeVar("_T", bound=type)


def raw_info(info: Any) -> GraphQLResolveInfo:
    """graphql-core's resolve info behind Strawberry's `Info` (or `info` itself).

    Strawberry's `Info` has no public way to the document's fragments, which the optimizer and
    selections.py read."""
    return info._raw_info if isinstance(info, Info) else info  # type: ignore[no-any-return]


def replace_info(raw: GraphQLResolveInfo, **changes: Any) -> GraphQLResolveInfo:
    """A copy of graphql-core's resolve info (a NamedTuple) with `changes`."""
    return raw._replace(**changes)


def with_selection_set(node: _N, selection_set: SelectionSetNode) -> _N:
    """A copy of the AST `node` with `selection_set` (graphql-core 3.3 nodes are frozen
    dataclasses, older ones plain mutable objects)."""
    if dataclasses.is_dataclass(node):
        return dataclasses.replace(node, selection_set=selection_set)  # type: ignore[type-var]
    changed = copy.copy(node)
    setattr(changed, "selection_set", selection_set)  # noqa: B010
    return changed


def preset_selected_fields(
    info: Info, build: Callable[[GraphQLResolveInfo], list[SelectedField]]
) -> None:
    """Make `build(raw resolve info)` what `info.selected_fields` answers, unless it is known.

    `Info.selected_fields` is a `functools.cached_property`: filling its cache first means
    strawberry never converts the whole selection below the field."""
    if "selected_fields" not in info.__dict__:
        info.__dict__["selected_fields"] = build(info._raw_info)


def selected_fields_is_cached() -> bool:
    """Whether `Info.selected_fields` is still the cached property that is preset above."""
    return isinstance(Info.__dict__.get("selected_fields"), functools.cached_property)


def window_total(node: Any) -> int | None:
    """The total strawberry-django's window annotation put on `node` of a connection, if any."""
    total = getattr(node, "_strawberry_total_count", None)
    return None if total is None else int(total)


def replace_node_id_field(cls: _T, replacement: StrawberryField) -> _T:
    """Put `replacement` in place of the Relay ``id`` field of the strawberry type `cls`.

    strawberry's `relay.Node` declares ``id`` with a resolver that needs an Info object per
    value; strawberry-django keeps it as it is (it replaces the other fields the same way)."""
    definition = get_object_definition(cls, strict=True)
    replacement.origin = cls
    definition.fields = [
        replacement if field.python_name == "_id" else field for field in definition.fields
    ]
    return cls


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
