"""The query optimizer, applied where querysets are made rather than around every field.

strawberry-django's extension also wraps each field resolution (a graphql-core middleware) to
optimize querysets that plain resolvers return; here every queryset comes from a
strawberry-django field, whose ``get_queryset`` already calls the optimizer, or from an explicit
``optimize()``. Dropping the wrapper saves a call per resolved field (~2,900 on a page of jobs).

A job's last run is joined instead of prefetched: strawberry-django prefetches every relation to a
type with a ``get_queryset`` (to apply its visibility filter), which costs a second query and a
second set of model instances per page, while the last run is one of the job's own runs and so is
visible whenever the job is.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, Prefetch, QuerySet
from strawberry.extensions import SchemaExtension
from strawberry_django.optimizer import DjangoOptimizerExtension, OptimizerStore

from thx_cron.models import Job

_M = TypeVar("_M", bound=Model)

# (model, forward relation) pairs whose target row is always visible with the row pointing at it.
OWN_RELATIONS = {(Job, "last_run")}


class QuerysetOptimizer(DjangoOptimizerExtension):
    """Optimize querysets built by strawberry-django fields; leave other results alone."""

    resolve = SchemaExtension.resolve  # type: ignore[assignment]

    def optimize(
        self, qs: Any, info: Any, *, store: OptimizerStore | None = None
    ) -> QuerySet[Any]:
        return join_own_relations(super().optimize(qs, info, store=store))


def join_own_relations(qs: QuerySet[_M]) -> QuerySet[_M]:
    """Turn the prefetches of OWN_RELATIONS in `qs` (and in its prefetches) into joins."""
    lookups = getattr(qs, "_prefetch_related_lookups", ())
    if not lookups or qs._result_cache is not None:  # type: ignore[attr-defined]
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
    loaded, deferring = qs.query.deferred_loading
    for lookup in joined:
        name = lookup.prefetch_to
        qs = qs.select_related(name)
        if not deferring:  # only(): load the columns the prefetch would have loaded, no more
            target = lookup.queryset.query.deferred_loading[0]  # type: ignore[union-attr]
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
    query = related.query
    # Only a visibility filter may be dropped: nothing that changes which columns or rows load.
    plain = (
        not related._prefetch_related_lookups  # type: ignore[attr-defined]
        and query.select_related is False
        and not query.annotations
        and not query.extra
        and not query.distinct
        and not query.is_sliced
    )
    # Both sides pick their columns the same way (only(), or every column), so the join loads
    # what the prefetch would have.
    return plain and query.deferred_loading[1] == qs.query.deferred_loading[1]
