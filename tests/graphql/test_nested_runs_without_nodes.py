"""A job's runs selected without their nodes (counts, page info, cursors) cost no query per job."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thx_cron import lifecycle

WITHOUT_NODES = {
    "page info": "runs(first: 2) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } }",
    "cursors": "runs(first: 2) { edges { cursor } }",
    "inline fragment": "... on Job { runs(first: 2) { totalCount } }",
    "named fragment": "...Runs",
}
FRAGMENT = " fragment Runs on Job { runs(first: 2) { totalCount } }"
WITH_NODES = (
    "runs(first: 2) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } "
    "edges { cursor node { id } } }"
)


def page(selection: str) -> str:
    document = "query($n: Int!) { jobs(first: $n) { edges { node { name " + selection + " } } } }"
    return document + FRAGMENT if selection == "...Runs" else document


@pytest.mark.parametrize("selection", WITHOUT_NODES.values(), ids=WITHOUT_NODES.keys())
def test_runs_without_nodes_use_the_same_few_queries_for_any_page_size_and_answer_the_same(
    alice: Any, make_job: Any, user: Any, selection: str
) -> None:
    for index in range(10):
        job = make_job(owner=user, name=f"job-{index:02}")
        for _ in range(index % 4):
            lifecycle.create_run(job)
    alice.data("{ me { id } }")  # the token's first use writes its last-used time
    counts = []
    for size in (2, 10):
        with CaptureQueriesContext(connection) as queries:
            data = alice.data(page(selection), {"n": size})
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    full = alice.data(page(WITH_NODES), {"n": 10})
    for got, expected in zip(data["jobs"]["edges"], full["jobs"]["edges"], strict=True):
        runs, expected_runs = got["node"]["runs"], expected["node"]["runs"]
        for key, value in runs.items():
            if key == "edges":
                cursors = [edge["cursor"] for edge in expected_runs["edges"]]
                assert [edge["cursor"] for edge in value] == cursors
            else:
                assert value == expected_runs[key], (key, got["node"]["name"])
