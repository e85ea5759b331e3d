"""The query optimizer, applied where querysets are made rather than around every field.

strawberry-django's extension also wraps each field resolution (a graphql-core middleware) to
optimize querysets that plain resolvers return; here every queryset comes from a
strawberry-django field, whose ``get_queryset`` already calls the optimizer, or from an explicit
``optimize()``. Dropping the wrapper saves a call per resolved field (about a twentieth of the
Python calls of benchmarks/graphql_jobs.py's page).

A nested connection selected without ``edges { node }`` (``runs { totalCount }``, ``runs { edges
{ cursor } }``) is optimized as if ``edges { node { __typename } }`` were selected too:
strawberry-django (still 0.93) reads a connection's hints from its nodes only, and without them
each job counts or slices its runs in a query of its own (a page of 10 jobs asking for
``runs(first: 2) { totalCount pageInfo { ... } }``: 26 queries instead of 3). graphql-core's
resolve info behind strawberry's is read through thx_cron_graphql.strawberry_compat.

A job's last run is joined instead of prefetched: strawberry-django prefetches every relation to a
type with a ``get_queryset`` (to apply its visibility filter), which costs a second query and a
second set of model instances per page, while the last run is one of the job's own runs and so is
visible whenever the job is.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, Prefetch, QuerySet
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    NameNode,
    SelectionSetNode,
    get_named_type,
)
from strawberry.extensions import SchemaExtension
from strawberry_django.optimizer import DjangoOptimizerExtension, OptimizerStore

from thx_cron.models import Job
from thx_cron_graphql.strawberry_compat import (
    deferred_loading,
    is_evaluated,
    only_filtered,
    prefetch_lookups,
    raw_info,
    replace_info,
    with_selection_set,
)

_M = TypeVar("_M", bound=Model)

# (model, forward relation) pairs whose target row is always visible with the row pointing at it.
OWN_RELATIONS = {(Job, "last_run")}


class QuerysetOptimizer(DjangoOptimizerExtension):
    """Optimize querysets built by strawberry-django fields; leave other results alone."""

    resolve = SchemaExtension.resolve  # type: ignore[assignment]

    def optimize(self, qs: Any, info: Any, *, store: OptimizerStore | None = None) -> QuerySet[Any]:
        planned = with_edges_on_nested_connections(info)
        return join_own_relations(super().optimize(qs, planned, store=store))


# What the optimizer is shown inside a connection selected without edges.
_EDGES = FieldNode(
    name=NameNode(value="edges"),
    selection_set=SelectionSetNode(
        selections=(
            FieldNode(
                name=NameNode(value="node"),
                selection_set=SelectionSetNode(
                    selections=(FieldNode(name=NameNode(value="__typename")),)
                ),
            ),
        )
    ),
)


def with_edges_on_nested_connections(info: Any) -> Any:
    """Return `info` with ``edges { node }`` added to nested connections selected without."""
    raw = raw_info(info)
    schema = raw.schema
    parent = get_named_type(raw.return_type)
    if not isinstance(parent, GraphQLObjectType):
        return info
    field_nodes = [_add_edges(schema, node, parent) for node in raw.field_nodes]
    fragments = {
        name: _add_edges(schema, fragment, schema.get_type(fragment.type_condition.name.value))
        for name, fragment in raw.fragments.items()
    }
    if all(new is old for new, old in zip(field_nodes, raw.field_nodes, strict=True)) and all(
        fragments[name] is fragment for name, fragment in raw.fragments.items()
    ):
        return info
    return replace_info(raw, field_nodes=field_nodes, fragments=fragments)


_N = TypeVar("_N", FieldNode, InlineFragmentNode, FragmentDefinitionNode)


def _add_edges(schema: GraphQLSchema, node: _N, node_type: Any) -> _N:
    """Return `node` (whose selections are on `node_type`) with edges on connections below it."""
    if node.selection_set is None or not isinstance(node_type, GraphQLObjectType):
        return node
    selections: list[Any] = []
    for selection in node.selection_set.selections:
        changed: Any = selection
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            inner = schema.get_type(condition.name.value) if condition else node_type
            changed = _add_edges(schema, selection, inner)
        elif isinstance(selection, FieldNode) and selection.name.value in node_type.fields:
            field_type = get_named_type(node_type.fields[selection.name.value].type)
            changed = _with_edges(schema, _add_edges(schema, selection, field_type), field_type)
        selections.append(changed)
    if all(new is old for new, old in zip(selections, node.selection_set.selections, strict=True)):
        return node
    return _with_selections(node, tuple(selections))


def _with_edges(schema: GraphQLSchema, field: FieldNode, field_type: Any) -> FieldNode:
    """Return `field` with ``edges { node }`` selected if it is a connection selected without."""
    below = field.selection_set
    if (
        below is None
        or not _is_connection(field_type)
        or any(_named(sub, "edges") and _named_below(sub, "node") for sub in below.selections)
    ):
        return field
    return _with_selections(field, (*below.selections, _EDGES))


def _with_selections(node: _N, selections: tuple[Any, ...]) -> _N:
    """Return a copy of `node` with `selections`."""
    return with_selection_set(node, SelectionSetNode(selections=selections))


def _named(selection: Any, name: str) -> bool:
    return isinstance(selection, FieldNode) and selection.name.value == name


def _named_below(field: Any, name: str) -> bool:
    below = field.selection_set
    return below is not None and any(_named(sub, name) for sub in below.selections)


def _is_connection(graphql_type: Any) -> bool:
    """Tell whether `graphql_type` is a Relay connection: ``edges { node }`` and ``pageInfo``."""
    if not isinstance(graphql_type, GraphQLObjectType):
        return False
    fields = graphql_type.fields
    if "edges" not in fields or "pageInfo" not in fields:
        return False
    edge = get_named_type(fields["edges"].type)
    return isinstance(edge, GraphQLObjectType) and "node" in edge.fields


def join_own_relations(qs: QuerySet[_M]) -> QuerySet[_M]:
    """Turn the prefetches of OWN_RELATIONS in `qs` (and in its prefetches) into joins."""
    lookups = prefetch_lookups(qs)
    if not lookups or is_evaluated(qs):
        return qs
    kept: list[Any] = []
    joined: list[Prefetch] = []
    for lookup in lookups:
        if isinstance(lookup, Prefetch) and _joinable(qs, lookup):
            joined.append(lookup)
            continue
        if isinstance(lookup, Prefetch) and lookup.queryset is not None:
            lookup.queryset = join_own_relations(lookup.queryset)
        kept.append(lookup)
    if not joined:
        return qs
    qs = qs.prefetch_related(None).prefetch_related(*kept)
    loaded, deferring = deferred_loading(qs)
    for lookup in joined:
        name = lookup.prefetch_to
        qs = qs.select_related(name)
        if not deferring:  # only(): load the columns the prefetch would have loaded, no more
            target = deferred_loading(lookup.queryset)[0]  # type: ignore[arg-type]
            loaded = frozenset({*loaded, name, *(f"{name}__{column}" for column in target)})
    if not deferring:
        qs = qs.only(*loaded)
    return qs


def _joinable(qs: QuerySet[Any], lookup: Prefetch) -> bool:
    """Tell whether `lookup` prefetches an own relation of `qs`'s model with nothing but columns."""
    if (qs.model, lookup.prefetch_through) not in OWN_RELATIONS or lookup.to_attr:
        return False
    related = lookup.queryset
    if related is None:
        return False
    # Only a visibility filter may be dropped: nothing that changes which columns or rows load.
    plain = not prefetch_lookups(related) and only_filtered(related)
    # Both sides pick their columns the same way (only(), or every column), so the join loads
    # what the prefetch would have.
    return plain and deferred_loading(related)[1] == deferred_loading(qs)[1]
