"""Who sees and changes what: two users, staff, anonymous callers, model permissions."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission

from thx_cron import lifecycle
from thx_cron.models import Job, JobLog

JOBS = "{ jobs { totalCount edges { node { name runs { totalCount } } } } }"
OPERATIONS = [
    ('updateJob(id: $id, input: {name: "stolen"})', "Job"),
    ("deleteJob(id: $id)", "DeletedJob"),
    ("pauseJob(id: $id)", "Job"),
    ("resumeJob(id: $id)", "Job"),
    ("runJobNow(id: $id)", "JobLog"),
]


def mutate(client: Any, call: str, job_id: Any) -> dict[str, Any]:
    answer = client.execute(
        f"""mutation($id: ID!) {{ result: {call} {{ __typename
        ... on OperationInfo {{ messages {{ kind field message }} }} }} }}""",
        {"id": job_id},
    )
    assert "errors" not in answer, answer
    return answer["data"]["result"]


def test_users_see_only_their_own_jobs_runs_and_logs(
    alice: Any, bob: Any, make_job: Any, user: Any, other_user: Any
) -> None:
    mine = make_job(owner=user, name="alice-job")
    theirs = make_job(owner=other_user, name="bob-job")
    lifecycle.create_run(mine)
    bob_run = lifecycle.create_run(theirs)
    assert alice.data(JOBS)["jobs"] == {
        "totalCount": 1,
        "edges": [{"node": {"name": "alice-job", "runs": {"totalCount": 1}}}],
    }
    assert alice.data("{ jobLogs { totalCount } }")["jobLogs"]["totalCount"] == 1
    assert alice.data("query($id: ID!) { job(id: $id) { name } }", {"id": theirs.pk}) == {
        "job": None
    }
    assert alice.data("query($id: ID!) { jobLog(id: $id) { id } }", {"id": bob_run.pk}) == {
        "jobLog": None
    }


@pytest.mark.parametrize(("call", "kind"), OPERATIONS)
def test_a_user_cannot_touch_someone_elses_job(
    alice: Any, make_job: Any, other_user: Any, call: str, kind: str
) -> None:
    theirs = make_job(owner=other_user, name="bob-job")
    before = list(Job.objects.values())
    result = mutate(alice, call, theirs.pk)
    assert result["__typename"] == "OperationInfo"
    assert result["messages"][0]["field"] == "id"
    assert "No job" in result["messages"][0]["message"]
    assert list(Job.objects.values()) == before and not JobLog.objects.exists()


def test_a_user_cannot_cancel_someone_elses_run(alice: Any, make_job: Any, other_user: Any) -> None:
    run = lifecycle.create_run(make_job(owner=other_user))
    result = mutate(alice, "cancelRun(id: $id)", run.pk)
    assert result["messages"][0]["field"] == "id"
    run.refresh_from_db()
    assert run.status == JobLog.Status.QUEUED


def test_staff_see_every_job_but_change_others_only_with_the_model_permission(
    client_for: Any, make_job: Any, staff_user: Any, other_user: Any
) -> None:
    staff = client_for(staff_user)
    theirs = make_job(owner=other_user, name="bob-job")
    assert staff.data(JOBS)["jobs"]["totalCount"] == 1
    refused = mutate(staff, "pauseJob(id: $id)", theirs.pk)
    assert refused["messages"][0]["kind"] == "PERMISSION"
    assert refused["messages"][0]["field"] == "id"
    assert Job.objects.get(pk=theirs.pk).enabled

    staff_user.user_permissions.add(Permission.objects.get(codename="change_job"))
    assert mutate(staff, "pauseJob(id: $id)", theirs.pk)["__typename"] == "Job"
    assert not Job.objects.get(pk=theirs.pk).enabled
    # Deleting needs its own permission.
    assert mutate(staff, "deleteJob(id: $id)", theirs.pk)["__typename"] == "OperationInfo"
    assert Job.objects.filter(pk=theirs.pk).exists()


def test_anonymous_callers_get_nothing(client_for: Any, make_job: Any, user: Any) -> None:
    job = make_job(owner=user)
    lifecycle.create_run(job)
    anonymous = client_for(None)
    data = anonymous.data(
        "{ jobs { totalCount } jobLogs { totalCount } actions { name } me { id } }"
    )
    assert data == {
        "jobs": {"totalCount": 0},
        "jobLogs": {"totalCount": 0},
        "actions": [],
        "me": None,
    }
    for call, _ in OPERATIONS:
        result = mutate(anonymous, call, job.pk)
        assert result["__typename"] == "OperationInfo"
        assert result["messages"][0]["kind"] == "PERMISSION"
    created = anonymous.execute("""mutation { createJob(input: {name: "x", action: "demo.echo",
        args: ["x"], schedule: {cron: "* * * * *"}}) { __typename } }""")
    assert created["data"]["createJob"]["__typename"] == "OperationInfo"
    assert Job.objects.count() == 1 and JobLog.objects.count() == 1
