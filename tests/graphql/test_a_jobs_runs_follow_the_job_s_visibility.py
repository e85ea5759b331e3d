"""A job's nested runs are visible exactly when the job is, without checking each run again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from strawberry.relay import to_base64

from thx_cron import lifecycle

PAGE = "{ jobs { edges { node { name runs(first: 5) { totalCount edges { node { id } } } } } } }"
ONE = "query($id: ID!) { job(id: $id) { name runs { edges { node { id } } } } }"


def test_owners_and_staff_see_a_job_s_runs_and_others_do_not_see_the_job(
    alice: Any,
    bob: Any,
    make_job: Any,
    user: Any,
    staff_user: Any,
    client_for: Callable[[Any], Any],
) -> None:
    job = make_job(owner=user, name="alice-job")
    runs = [lifecycle.create_run(job) for _ in range(2)]
    expected = sorted(to_base64("JobLog", run.pk) for run in runs)
    job_id = to_base64("Job", job.pk)
    for client in (alice, client_for(staff_user)):
        node = client.data(PAGE)["jobs"]["edges"][0]["node"]
        assert node["runs"]["totalCount"] == 2
        assert sorted(edge["node"]["id"] for edge in node["runs"]["edges"]) == expected
        one = client.data(ONE, {"id": job_id})["job"]
        assert sorted(edge["node"]["id"] for edge in one["runs"]["edges"]) == expected
    assert bob.data(PAGE)["jobs"]["edges"] == []
    assert bob.data(ONE, {"id": job_id})["job"] is None
    assert bob.data("{ jobLogs { totalCount } }")["jobLogs"]["totalCount"] == 0


def test_the_runs_query_of_a_page_of_jobs_does_not_look_at_jobs_again(
    alice: Any, make_job: Any, user: Any
) -> None:
    lifecycle.create_run(make_job(owner=user, name="one"))
    with CaptureQueriesContext(connection) as queries:
        alice.data(PAGE)
    runs_query = next(
        q["sql"] for q in queries.captured_queries if "ROW_NUMBER" in q["sql"].upper()
    )
    assert 'thx_cron_job"' not in runs_query.replace('"thx_cron_joblog"', ""), runs_query
