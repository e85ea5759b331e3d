"""A job's last run is read in the jobs query itself, for its owner and for staff alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from strawberry.relay import to_base64

from thx_cron import lifecycle

WITH_LAST_RUN = """{ jobs { edges { node { name lastRun { id status output } } } } }"""
WITHOUT_LAST_RUN = """{ jobs { edges { node { name } } } }"""


def finished_job(make_job: Any, owner: Any, name: str) -> Any:
    job = make_job(owner=owner, name=name)
    run = lifecycle.create_run(job)
    job.start(run)
    job.complete(run, "ok")
    return job


def test_selecting_the_last_run_adds_no_query(alice: Any, make_job: Any, user: Any) -> None:
    jobs = [finished_job(make_job, user, f"job-{index}") for index in range(3)]
    alice.data("{ me { id } }")  # the token's first use writes its last-used time
    with CaptureQueriesContext(connection) as without:
        alice.data(WITHOUT_LAST_RUN)
    with CaptureQueriesContext(connection) as with_last_run:
        data = alice.data(WITH_LAST_RUN)
    assert len(with_last_run) == len(without), with_last_run.captured_queries
    runs = [edge["node"]["lastRun"] for edge in data["jobs"]["edges"]]
    assert [run["status"] for run in runs] == ["SUCCEEDED"] * 3
    for job in jobs:
        job.refresh_from_db()
    assert [run["output"] for run in runs] == [job.last_run.output for job in jobs]


def test_staff_see_the_last_run_of_everyone_s_jobs_and_users_only_their_own(
    alice: Any,
    make_job: Any,
    user: Any,
    other_user: Any,
    staff_user: Any,
    client_for: Callable[[Any], Any],
) -> None:
    finished_job(make_job, user, "alice-job")
    finished_job(make_job, other_user, "bob-job")
    make_job(owner=other_user, name="bob-never-ran")
    staff = client_for(staff_user)
    seen = {
        edge["node"]["name"]: edge["node"]["lastRun"]
        for edge in staff.data(WITH_LAST_RUN)["jobs"]["edges"]
    }
    assert seen["alice-job"]["status"] == seen["bob-job"]["status"] == "SUCCEEDED"
    assert seen["bob-never-ran"] is None
    own = alice.data(WITH_LAST_RUN)["jobs"]["edges"]
    assert [edge["node"]["name"] for edge in own] == ["alice-job"]
    assert own[0]["node"]["lastRun"]["id"] == seen["alice-job"]["id"]


def test_a_last_run_s_own_job_is_still_loaded_through_its_visibility_rule(
    alice: Any, make_job: Any, user: Any
) -> None:
    finished_job(make_job, user, "nested")
    data = alice.data(
        "{ jobs { edges { node { lastRun { status job { name lastRun { id } } } } } } }"
    )
    node = data["jobs"]["edges"][0]["node"]
    assert node["lastRun"]["job"]["name"] == "nested"
    assert node["lastRun"]["job"]["lastRun"]["id"] is not None


def test_the_last_run_of_a_run_s_job_is_read_with_that_job(
    alice: Any, make_job: Any, user: Any
) -> None:
    job = finished_job(make_job, user, "through-runs")
    job.refresh_from_db()
    data = alice.data("{ jobLogs { edges { node { job { name lastRun { id status } } } } } }")
    jobs = [edge["node"]["job"] for edge in data["jobLogs"]["edges"]]
    last_run = {"id": to_base64("JobLog", job.last_run_id), "status": "SUCCEEDED"}
    assert jobs == [{"name": "through-runs", "lastRun": last_run}]
