"""The cost rule measures what a document expands to without expanding it: the same depth and
aliases as strawberry's limiters on ordinary documents, fragment cycles and long chains of
fragments handled without recursion."""

from __future__ import annotations

import pytest
from graphql import parse, specified_rules, validate
from strawberry.extensions import QueryDepthLimiter

from tests.security.documents import fragment_bomb
from thx_cron_graphql import cost
from thx_cron_graphql.schema import schema

GRAPHQL = schema._schema
UNLIMITED = cost.Limits(max_depth=10**6, max_aliases=10**6, max_fields=10**6)


def measured(document: str, limits: cost.Limits = UNLIMITED) -> list[cost.Totals]:
    found: list[cost.Totals] = []

    class Probe(cost.cost_rule(limits)):  # type: ignore[misc, valid-type]
        def leave_document(self, *args: object) -> None:
            totals = cost.expand(self.fragments, limits)
            found.extend(cost.resolve(s, totals, limits) for _, s in self.operations)

    validate(GRAPHQL, parse(document), [Probe])
    return found


DOCUMENTS = [
    "{ me { id } }",
    "{ a: me { id } b: me { username } }",
    "{ jobs { edges { node { lastRun { job { name } } } } } }",
    "fragment J on Job { id lastRun { id job { id } } } { jobs { edges { node { ...J ...J } } } }",
    "{ jobs { edges { node { ... on Job { runs { edges { node { id } } } } } } } }",
    "{ __schema { types { name fields { name type { name } } } } }",
]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_depth_is_strawberry_s_depth(document: str) -> None:
    depths: dict[str, int] = {}
    validate(
        GRAPHQL,
        parse(document),
        QueryDepthLimiter(max_depth=100, callback=depths.update).validation_rules,
    )
    assert [totals.depth for totals in measured(document)] == list(depths.values())


def test_fields_and_aliases_count_every_spread_of_a_fragment() -> None:
    document = (
        "fragment R on JobLog { x: id status } "
        "{ jobLogs { edges { node { ...R ...R } } } me { id } }"
    )
    assert measured(document) == [cost.Totals(fields=9, aliases=2, depth=3)]


def test_the_bomb_is_measured_as_more_than_the_limit_without_growing_numbers() -> None:
    limits = cost.Limits(max_depth=12, max_aliases=30, max_fields=1000)
    (totals,) = measured(fragment_bomb(60), limits)
    assert totals.fields == 2001  # capped just above the limit, never 2^60
    assert totals.depth == 3


def test_a_long_chain_of_fragments_is_measured_once_each() -> None:
    # graphql-core itself aborts validation beyond 200 levels of nesting through fragments.
    chain = [f"fragment F{i} on Job {{ id ...F{i + 1} ...F{i + 1} }}" for i in range(150)]
    chain.append("fragment F150 on Job { name }")
    document = "{ jobs { edges { node { ...F0 } } } }\n" + "\n".join(chain)
    (totals,) = measured(document, cost.Limits(max_depth=12, max_aliases=30, max_fields=1000))
    assert totals.fields == 2001 and totals.depth == 3


def test_cyclic_fragments_are_reported_by_graphql_and_do_not_hang_the_rule() -> None:
    document = (
        "fragment A on Job { id ...B } fragment B on Job { name ...A } "
        "{ jobs { edges { node { ...A } } } }"
    )
    rules = [*specified_rules, cost.cost_rule(UNLIMITED)]
    errors = validate(GRAPHQL, parse(document), rules)
    assert any("Cannot spread fragment" in error.message for error in errors), errors
