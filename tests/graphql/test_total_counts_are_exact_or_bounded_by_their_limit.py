"""`totalCount` stays exact; `totalCountUpTo(limit)` is exact up to `limit`, reading no more."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from thx_cron import lifecycle

COUNTS = """query($limit: Int!, $filters: JobLogFilter) {
  jobLogs(first: 2, filters: $filters) { totalCount totalCountUpTo(limit: $limit) }
}"""


def runs_of(client: Any, limit: int, filters: dict[str, Any] | None = None) -> dict[str, Any]:
    return client.data(COUNTS, {"limit": limit, "filters": filters})["jobLogs"]  # type: ignore[no-any-return]


def test_the_count_up_to_a_limit_is_the_exact_total_when_there_are_no_more_runs(
    alice: Any, make_job: Any, user: Any
) -> None:
    job = make_job(owner=user)
    for _ in range(3):
        lifecycle.create_run(job)
    assert runs_of(alice, 3) == {"totalCount": 3, "totalCountUpTo": 3}
    assert runs_of(alice, 10) == {"totalCount": 3, "totalCountUpTo": 3}


def test_the_count_up_to_a_limit_is_null_when_there_are_more_runs_and_the_total_stays_exact(
    alice: Any, make_job: Any, user: Any
) -> None:
    job = make_job(owner=user)
    for _ in range(3):
        lifecycle.create_run(job)
    assert runs_of(alice, 2) == {"totalCount": 3, "totalCountUpTo": None}
    assert runs_of(alice, 0) == {"totalCount": 3, "totalCountUpTo": None}


def test_the_count_up_to_a_limit_counts_only_the_runs_the_caller_may_see_and_filters(
    alice: Any, bob: Any, make_job: Any, user: Any, other_user: Any
) -> None:
    mine, theirs = make_job(owner=user), make_job(owner=other_user)
    for _ in range(2):
        lifecycle.create_run(mine)
    for _ in range(5):
        lifecycle.create_run(theirs)
    run = lifecycle.create_run(mine)
    mine.start(run)
    assert runs_of(alice, 10) == {"totalCount": 3, "totalCountUpTo": 3}
    assert runs_of(bob, 10) == {"totalCount": 5, "totalCountUpTo": 5}
    running = {"status": {"exact": "RUNNING"}}
    assert runs_of(alice, 10, running) == {"totalCount": 1, "totalCountUpTo": 1}
    assert runs_of(bob, 10, running) == {"totalCount": 0, "totalCountUpTo": 0}


def test_the_count_up_to_a_limit_reads_at_most_one_row_more_than_the_limit_in_any_order(
    alice: Any, make_job: Any, user: Any
) -> None:
    job = make_job(owner=user)
    for _ in range(4):
        lifecycle.create_run(job)
    alice.data("{ me { id } }")  # the token's first use writes its last-used time
    query = "{ jobLogs(first: 1) { totalCountUpTo(limit: 2) } }"
    with CaptureQueriesContext(connection) as queries:
        assert alice.data(query)["jobLogs"]["totalCountUpTo"] is None
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"]]
    assert len(counts) == 1, counts
    assert "LIMIT 3" in counts[0] and "ORDER BY" not in counts[0], counts


def test_a_page_from_the_end_reuses_the_total_its_query_already_carries(
    alice: Any, make_job: Any, user: Any
) -> None:
    job = make_job(owner=user)
    for _ in range(3):
        lifecycle.create_run(job)
    query = "{ jobLogs(last: 2) { totalCount totalCountUpTo(limit: 2) edges { node { id } } } }"
    with CaptureQueriesContext(connection) as queries:
        page = alice.data(query)["jobLogs"]
    assert page["totalCount"] == 3 and page["totalCountUpTo"] is None
    assert len(page["edges"]) == 2
    bounded = [q["sql"] for q in queries if "LIMIT 3)" in q["sql"]]
    assert bounded == [], bounded


def test_a_negative_limit_is_refused_with_a_message_naming_it(alice: Any) -> None:
    answer = alice.execute("{ jobLogs(first: 1) { totalCountUpTo(limit: -1) } }")
    assert "limit" in answer["errors"][0]["message"], answer


def test_a_staff_count_of_all_runs_reads_only_the_runs_table(
    client_for: Any, staff_user: Any, make_job: Any, user: Any
) -> None:
    job = make_job(owner=user)
    lifecycle.create_run(job)
    staff = client_for(staff_user)
    staff.data("{ me { id } }")  # the token's first use writes its last-used time
    with CaptureQueriesContext(connection) as queries:
        page = staff.data("{ jobLogs(first: 1) { totalCount totalCountUpTo(limit: 5) } }")
    assert page["jobLogs"] == {"totalCount": 1, "totalCountUpTo": 1}
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"]]
    assert len(counts) == 2, counts
    # Staff see every run: no join or subquery to jobs and owners, so an index-only scan will do.
    assert all('thx_cron_job"' not in sql and "JOIN" not in sql for sql in counts), counts
