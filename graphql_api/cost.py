"""The size of a document after its fragments are expanded, measured without expanding them.

A fragment spread stands for its fragment's whole selection, so a ~1 KB document of fragments
that each spread the previous one twice selects 2^24 fields. Strawberry's depth and alias
limiters expand every spread where it occurs (they took 0.7 s at 2^18 and double per level), so
they are no guard against it. Here each selection set is summarised once, on one pass of
graphql-core's (iterative) visitor: its own fields, depth and aliases, plus how many times it
spreads each fragment and how deep. Each fragment's totals are then computed once from those of
the fragments it spreads, so measuring costs time linear in the document's length whatever it
expands to. Totals are capped just above the limits, so that no number grows with the expansion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)


@dataclass(frozen=True)
class Limits:
    """The most a document may select: levels of nesting, aliases, and fields once expanded."""

    max_depth: int
    max_aliases: int
    max_fields: int


@dataclass
class Summary:
    """A selection set's own totals, and the fragments it spreads (times, deepest level)."""

    fields: int = 0
    aliases: int = 0
    depth: int = 0
    spreads: dict[str, int] = field(default_factory=dict)
    spread_depth: dict[str, int] = field(default_factory=dict)

    def add(self, other: Summary, below: int | None = 0) -> None:
        """Add `other`, `below` levels under this selection set (None: its depth does not count)."""
        self.fields += other.fields
        self.aliases += other.aliases
        for name, count in other.spreads.items():
            self.spreads[name] = self.spreads.get(name, 0) + count
        if below is None:
            return
        self.depth = max(self.depth, below + other.depth)
        for name, depth in other.spread_depth.items():
            self.spread_depth[name] = max(self.spread_depth.get(name, 0), below + depth)


@dataclass(frozen=True)
class Totals:
    fields: int
    aliases: int
    depth: int


def cost_rule(limits: Limits) -> type[ValidationRule]:
    """Return a validation rule that refuses documents beyond `limits` once expanded."""

    class DocumentCostRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.open: list[Summary] = []
            self.done: dict[int, Summary] = {}
            self.fragments: dict[str, Summary] = {}
            self.operations: list[tuple[OperationDefinitionNode, Summary]] = []

        def enter_selection_set(self, node: SelectionSetNode, *_: Any) -> None:
            self.open.append(Summary())

        def leave_selection_set(self, node: SelectionSetNode, *_: Any) -> None:
            self.done[id(node)] = self.open.pop()

        def _below(self, node: Any) -> Summary:
            selection_set = node.selection_set
            return self.done.pop(id(selection_set)) if selection_set is not None else Summary()

        def leave_field(self, node: FieldNode, *_: Any) -> None:
            own = Summary(fields=1, aliases=1 if node.alias else 0)
            # As in strawberry's limiter, a leaf adds no depth, nor does an introspection field.
            counted = node.selection_set is not None and not node.name.value.startswith("__")
            own.add(self._below(node), below=1 if counted else None)
            if self.open:
                self.open[-1].add(own)

        def leave_inline_fragment(self, node: InlineFragmentNode, *_: Any) -> None:
            if self.open:
                self.open[-1].add(self._below(node))

        def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
            if self.open:
                name = node.name.value
                self.open[-1].add(Summary(spreads={name: 1}, spread_depth={name: 0}))

        def leave_fragment_definition(self, node: FragmentDefinitionNode, *_: Any) -> None:
            self.fragments[node.name.value] = self._below(node)

        def leave_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            self.operations.append((node, self._below(node)))

        def leave_document(self, *_: Any) -> None:
            totals = expand(self.fragments, limits)
            aliases = 0
            for operation, summary in self.operations:
                total = resolve(summary, totals, limits)
                aliases += total.aliases
                name = operation.name.value if operation.name else "anonymous"
                if total.depth > limits.max_depth:
                    self.report_error(
                        GraphQLError(
                            f"'{name}' exceeds maximum operation depth of {limits.max_depth}",
                            operation,
                        )
                    )
                if total.fields > limits.max_fields:
                    shown = f"more than {limits.max_fields:,}"
                    self.report_error(
                        GraphQLError(
                            f"'{name}' selects {shown} fields once its fragments are expanded;"
                            f" the limit is {limits.max_fields:,}. Select fewer fields or"
                            " spread fewer fragments.",
                            operation,
                        )
                    )
            if aliases > limits.max_aliases:
                shown = f"{aliases}" if aliases <= limits.max_aliases * 2 else "Too many"
                self.report_error(
                    GraphQLError(f"{shown} aliases found. Allowed: {limits.max_aliases}")
                )

    return DocumentCostRule


def _capped(value: int, limit: int) -> int:
    return min(value, limit * 2 + 1)


def resolve(summary: Summary, fragments: dict[str, Totals], limits: Limits) -> Totals:
    """Return the totals of `summary` with each spread replaced by its fragment's totals."""
    fields, aliases, depth = summary.fields, summary.aliases, summary.depth
    for name, times in summary.spreads.items():
        spread = fragments.get(name)
        if spread is None:  # unknown or cyclic: other rules report it
            continue
        fields = _capped(fields + times * spread.fields, limits.max_fields)
        aliases = _capped(aliases + times * spread.aliases, limits.max_aliases)
        if name in summary.spread_depth:
            depth = max(depth, summary.spread_depth[name] + spread.depth)
    return Totals(
        fields=_capped(fields, limits.max_fields),
        aliases=_capped(aliases, limits.max_aliases),
        depth=min(depth, limits.max_depth + 1),
    )


def expand(fragments: dict[str, Summary], limits: Limits) -> dict[str, Totals]:
    """Return every fragment's totals, each computed once, the fragments it spreads first."""
    totals: dict[str, Totals] = {}
    for root in fragments:
        # Depth-first with an explicit stack: a long chain of fragments must not recurse.
        stack = [root]
        entered: set[str] = set()
        while stack:
            name = stack[-1]
            if name in totals:
                stack.pop()
                continue
            waiting = [
                spread
                for spread in fragments[name].spreads
                if spread in fragments and spread not in totals and spread not in entered
            ]
            if waiting and name not in entered:
                entered.add(name)
                stack.extend(waiting)
                continue
            # A spread still being entered is a cycle (NoFragmentCyclesRule reports it).
            totals[name] = resolve(fragments[name], totals, limits)
            stack.pop()
    return totals
