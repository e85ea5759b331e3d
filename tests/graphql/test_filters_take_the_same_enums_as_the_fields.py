"""Filter values are the enums the fields return: `status: {exact: SUCCEEDED}` matches."""

from __future__ import annotations

from typing import Any

from thx_cron.models import JobLog

RUNS = """query($filters: JobLogFilter) { jobLogs(filters: $filters) {
    totalCount edges { node { status } } } }"""


def test_a_status_filter_matches_the_status_the_runs_show(alice: Any, user: Any, make_job: Any):
    job = make_job(owner=user, name="nightly")
    JobLog.objects.create(job=job, status="succeeded", trigger="schedule")
    JobLog.objects.create(job=job, status="failed", trigger="manual")
    shown = alice.data(RUNS, {"filters": {"status": {"exact": "SUCCEEDED"}}})["jobLogs"]
    assert shown == {"totalCount": 1, "edges": [{"node": {"status": "SUCCEEDED"}}]}
    both = {"status": {"inList": ["SUCCEEDED", "FAILED"]}, "trigger": {"exact": "MANUAL"}}
    assert alice.data(RUNS, {"filters": both})["jobLogs"]["totalCount"] == 1
    jobs = alice.data("{ jobs(filters: {scheduleKind: {exact: CRON}}) { totalCount } }")["jobs"]
    assert jobs == {"totalCount": 1}


def test_a_value_that_is_not_an_enum_member_is_refused_not_silently_unmatched(alice: Any):
    answer = alice.execute(RUNS, {"filters": {"status": {"exact": "succeeded"}}})
    message = answer["errors"][0]["message"]
    assert "RunStatus" in message and "succeeded" in message
