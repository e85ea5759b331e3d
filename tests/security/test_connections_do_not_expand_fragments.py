"""Resolving a connection reads its own selections only: strawberry's full conversion of the
selection (which expanded every fragment spread below, 2^n for nested spreads) is never run."""

from __future__ import annotations

import functools
from typing import Any
from unittest import mock

import strawberry.types.info
from strawberry.types import Info

from tests.graphql.client import GraphQLClient
from thx_cron_graphql.models import ApiToken

PAGE = """
fragment Run on JobLog { id status }
fragment Row on Job {
  id name lastRun { ...Run } runs(first: 5) { totalCount edges { node { ...Run } } }
}
fragment Rows on JobCountedConnection { totalCount edges { node { ...Row ...Row } } }
{ jobs(first: 100) { ...Rows ... on JobCountedConnection { pageInfo { hasNextPage } } }
  jobLogs(first: 3) { totalCount edges { cursor } } }
"""


def test_the_shim_relies_on_selected_fields_being_a_cached_property() -> None:
    # thx_cron_graphql.selections fills the cache in advance; if strawberry changes this, it
    # must change too.
    assert isinstance(Info.__dict__["selected_fields"], functools.cached_property)


def test_a_page_of_jobs_with_fragments_never_converts_the_whole_selection(
    user: Any, make_job: Any
) -> None:
    for index in range(3):
        make_job(name=f"job-{index}", owner=user)
    client = GraphQLClient(token=ApiToken.issue(user, "tests")[1])
    with mock.patch.object(
        strawberry.types.info,
        "convert_selections",
        wraps=strawberry.types.info.convert_selections,
    ) as convert:
        data = client.data(PAGE)
    assert convert.call_count == 0
    jobs = data["jobs"]
    assert jobs["totalCount"] == 3 and jobs["pageInfo"] == {"hasNextPage": False}
    assert [edge["node"]["name"] for edge in jobs["edges"]] == ["job-0", "job-1", "job-2"]
    assert jobs["edges"][0]["node"]["runs"] == {"totalCount": 0, "edges": []}
    assert data["jobLogs"] == {"totalCount": 0, "edges": []}
