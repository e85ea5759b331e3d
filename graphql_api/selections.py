"""A shim over strawberry's ``Info.selected_fields``: the field's own selections, not all below.

``Info.selected_fields`` converts the whole selection under a field, expanding every fragment
spread wherever it occurs; a connection asks for it on each resolution, only to learn which of
its own fields (``edges``, ``pageInfo``, ``totalCount``) are selected. On a document of nested
spreads that expansion doubled per level (2^n fields for n nested spreads).
``ShallowSelections`` fills the property in advance with the field's selections one level deep
(fragments flattened once each), which is all a connection looks at. The property is a
``functools.cached_property`` of strawberry's ``Info``, filled through
thx_cron_graphql.strawberry_compat (tested in
tests/security/test_connections_do_not_expand_fragments.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from graphql import FieldNode, FragmentSpreadNode, GraphQLResolveInfo, InlineFragmentNode
from strawberry.extensions import FieldExtension
from strawberry.types import Info
from strawberry.types.nodes import SelectedField

from thx_cron_graphql.strawberry_compat import preset_selected_fields


class ShallowSelections(FieldExtension):
    """Fill a field's `selected_fields` shallowly before its resolver (and connection) run."""

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        preset_selected_fields(info, shallow_selections)
        return next_(source, info, **kwargs)

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        preset_selected_fields(info, shallow_selections)
        return await next_(source, info, **kwargs)


def shallow_selections(raw: GraphQLResolveInfo) -> list[SelectedField]:
    """The field's own selections, each without what it selects."""
    return [
        SelectedField(
            name=node.name.value,
            directives={},
            arguments={},
            selections=list(_children(raw, node)),
            alias=node.alias.value if node.alias else None,
        )
        for node in raw.field_nodes
    ]


def _children(raw: GraphQLResolveInfo, field: FieldNode) -> Any:
    """Yield the fields directly selected under `field`, through fragments, each spread once."""
    if field.selection_set is None:
        return
    pending = list(reversed(field.selection_set.selections))
    spread: set[str] = set()
    while pending:
        node = pending.pop()
        if isinstance(node, FieldNode):
            yield SelectedField(
                name=node.name.value,
                directives={},
                arguments={},
                selections=[],
                alias=node.alias.value if node.alias else None,
            )
            continue
        if isinstance(node, FragmentSpreadNode):
            name = node.name.value
            fragment = raw.fragments.get(name)
            if name in spread or fragment is None:
                continue
            spread.add(name)
            pending.extend(reversed(fragment.selection_set.selections))
        elif isinstance(node, InlineFragmentNode):
            pending.extend(reversed(node.selection_set.selections))
