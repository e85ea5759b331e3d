"""`totalCount` of a top-level list is one COUNT query, not a window over every row of the page
query (a window reads the whole table before the LIMIT: 0.5 s on 1,000,000 runs)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from thx_cron import lifecycle

PAGE = "{ jobLogs(first: 2) { totalCount pageInfo { hasNextPage } edges { node { id } } } }"


def test_the_runs_page_counts_all_runs_with_its_own_count_query(
    alice: Any, make_job: Any, user: Any
) -> None:
    job = make_job(owner=user)
    for _ in range(3):
        lifecycle.create_run(job)
    alice.data("{ me { id } }")  # the token's first use writes its last-used time
    with CaptureQueriesContext(connection) as queries:
        page = alice.data(PAGE)["jobLogs"]
    assert page["totalCount"] == 3
    assert page["pageInfo"]["hasNextPage"] is True
    assert len(page["edges"]) == 2
    page_sql = [q["sql"] for q in queries if "LIMIT" in q["sql"] and "thx_cron_joblog" in q["sql"]]
    assert page_sql and not any(" OVER " in sql for sql in page_sql), page_sql
    assert any("COUNT(*)" in q["sql"] for q in queries), [q["sql"] for q in queries]
