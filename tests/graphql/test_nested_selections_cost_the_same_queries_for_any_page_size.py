"""Nested selections cost a constant number of SQL queries, whatever the page size."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from thx_cron import lifecycle

NESTED = """query($n: Int!) { jobs(first: $n) { totalCount edges { node {
    id name schedule { kind description } owner { username }
    lastRun { id status finishedAt }
    runs(first: 5) { totalCount edges { node { id status queuedAt } } }
} } } }"""


def count_queries(client: Any, page: int) -> tuple[int, dict[str, Any]]:
    with CaptureQueriesContext(connection) as queries:
        data = client.data(NESTED, {"n": page})
    return len(queries), data


def queries_of(client: Any, page: int) -> list[dict[str, str]]:
    with CaptureQueriesContext(connection) as queries:
        client.data(NESTED, {"n": page})
    return list(queries.captured_queries)


def test_jobs_with_last_run_and_runs_use_the_same_few_queries_for_any_page_size(
    alice: Any, make_job: Any, user: Any
) -> None:
    for index in range(12):
        job = make_job(owner=user, name=f"job-{index:02}")
        for _ in range(7):
            run = lifecycle.create_run(job)
        job.start(run)
        job.complete(run, "ok")
    alice.data("{ me { id } }")  # the token's first use writes its last-used time
    small, small_data = count_queries(alice, 2)
    large, large_data = count_queries(alice, 12)
    assert small == large, (small, large)
    # Token lookup, jobs page, count, runs prefetch (with their totals); last runs joined.
    assert large == 4, [q["sql"] for q in queries_of(alice, 12)]
    nodes = [edge["node"] for edge in large_data["jobs"]["edges"]]
    assert len(nodes) == 12
    assert all(node["runs"]["totalCount"] == 7 for node in nodes)
    assert all(len(node["runs"]["edges"]) == 5 for node in nodes)
    assert all(node["lastRun"]["status"] == "SUCCEEDED" for node in nodes)
    # The 5 runs are the latest: the run that finished (created last) comes first.
    assert all(node["runs"]["edges"][0]["node"]["id"] == node["lastRun"]["id"] for node in nodes)
    assert len(small_data["jobs"]["edges"]) == 2


def test_a_jobs_nested_runs_are_limited_in_the_database_not_after_loading_them_all(
    alice: Any, make_job: Any, user: Any
) -> None:
    job = make_job(owner=user, name="busy")
    for _ in range(30):
        lifecycle.create_run(job)
    with CaptureQueriesContext(connection) as queries:
        data = alice.data(NESTED, {"n": 1})
    assert len(data["jobs"]["edges"][0]["node"]["runs"]["edges"]) == 5
    runs_query = next(
        q["sql"]
        for q in queries.captured_queries
        if "thx_cron_joblog" in q["sql"] and "ROW_NUMBER" in q["sql"].upper()
    )
    # The optimizer's per-job window: the database hands over each job's first 5 runs, not 30.
    # The captured statement is executed again as it was sent, and its rows counted.
    with connection.cursor() as cursor:
        cursor.execute(runs_query)
        fetched = cursor.fetchall()
    assert len(fetched) == 5, len(fetched)


WITHOUT_FIRST = """query($n: Int!) { jobs(first: $n) { edges { node {
    runs { totalCount edges { node { id } } }
} } } }"""


def test_nested_runs_without_first_use_the_same_few_queries_for_any_page_size(
    alice: Any, make_job: Any, user: Any
) -> None:
    for index in range(10):
        job = make_job(owner=user, name=f"job-{index:02}")
        for _ in range(index % 3):
            lifecycle.create_run(job)
    alice.data("{ me { id } }")  # the token's first use writes its last-used time
    counts, pages = [], []
    for page in (2, 10):
        with CaptureQueriesContext(connection) as queries:
            pages.append(alice.data(WITHOUT_FIRST, {"n": page}))
        counts.append(len(queries))
    # Token lookup, jobs page, one windowed runs prefetch (with each job's total).
    assert counts == [3, 3], counts
    nodes = [edge["node"]["runs"] for edge in pages[1]["jobs"]["edges"]]
    assert [node["totalCount"] for node in nodes] == [index % 3 for index in range(10)]
    assert [len(node["edges"]) for node in nodes] == [index % 3 for index in range(10)]


def test_nested_runs_total_count_alone_uses_the_same_few_queries_for_any_page_size(
    alice: Any, make_job: Any, user: Any
) -> None:
    for index in range(10):
        lifecycle.create_run(make_job(owner=user, name=f"job-{index:02}"))
    alice.data("{ me { id } }")
    document = "query($n: Int!) { jobs(first: $n) { edges { node { runs { totalCount } } } } }"
    counts = []
    for page in (2, 10):
        with CaptureQueriesContext(connection) as queries:
            alice.data(document, {"n": page})
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
