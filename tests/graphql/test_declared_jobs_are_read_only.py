"""A job declared in code: its definition is refused over GraphQL; pause, resume, run now work."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from thx_cron.declared.sync import sync
from thx_cron.models import Job

pytestmark = pytest.mark.django_db

UPDATE = """mutation($id: ID!, $input: JobInput!) { updateJob(id: $id, input: $input) {
    __typename ... on OperationInfo { messages { kind field message } }
    ... on Job { enabled } } }"""
DELETE = """mutation($id: ID!) { deleteJob(id: $id) {
    __typename ... on OperationInfo { messages { kind field message } } } }"""
ACTIONS = """mutation($id: ID!) {
    pauseJob(id: $id) { __typename ... on Job { enabled } }
    resumeJob(id: $id) { __typename ... on Job { enabled } }
    runJobNow(id: $id) { __typename ... on JobLog { status trigger } } }"""
READ = """query($id: ID!) { job(id: $id) { declared key } }"""


@pytest.fixture
def declared_job(settings: Any) -> Job:
    settings.THX_CRON_JOBS = [
        {"key": "nightly", "action": "demo.echo", "args": ["hi"], "cron": "0 2 * * *"}
    ]
    sync()
    return Job.objects.get(key="nightly")


@pytest.fixture
def admin_client(client_for: Any) -> Any:
    admin = get_user_model().objects.create_superuser("root", password="root-password")
    return client_for(admin)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"schedule": {"cron": "* * * * *"}}, "schedule"),
        ({"name": "renamed"}, "name"),
        ({"timeoutSeconds": 5, "enabled": False}, "timeoutSeconds"),
    ],
)
def test_editing_a_declared_job_is_refused_naming_the_field(
    admin_client: Any, declared_job: Job, change: dict[str, Any], field: str
) -> None:
    answer = admin_client.execute(UPDATE, {"id": declared_job.pk, "input": change})
    [message] = answer["data"]["updateJob"]["messages"]
    assert message["field"] == field
    assert "declared in code" in message["message"] and "'nightly'" in message["message"]
    job = Job.objects.get(pk=declared_job.pk)
    assert (job.name, job.cron, job.timeout_seconds, job.enabled) == (
        "nightly",
        "0 2 * * *",
        None,
        True,
    )


def test_deleting_a_declared_job_is_refused(admin_client: Any, declared_job: Job) -> None:
    answer = admin_client.execute(DELETE, {"id": declared_job.pk})
    [message] = answer["data"]["deleteJob"]["messages"]
    assert message["field"] == "id" and "declared in code" in message["message"]
    assert Job.objects.filter(pk=declared_job.pk).exists()


def test_pause_resume_run_now_and_enabled_still_work(admin_client: Any, declared_job: Job) -> None:
    answer = admin_client.execute(ACTIONS, {"id": declared_job.pk})
    assert "errors" not in answer, answer
    assert answer["data"]["pauseJob"]["enabled"] is False
    assert answer["data"]["resumeJob"]["enabled"] is True
    assert answer["data"]["runJobNow"]["trigger"] == "MANUAL"
    answer = admin_client.execute(UPDATE, {"id": declared_job.pk, "input": {"enabled": False}})
    assert answer["data"]["updateJob"] == {"__typename": "Job", "enabled": False}
    assert admin_client.execute(READ, {"id": declared_job.pk})["data"]["job"] == {
        "declared": True,
        "key": "nightly",
    }


def test_declared_jobs_have_no_owner_and_only_staff_see_them(
    client_for: Any, user: Any, declared_job: Job
) -> None:
    assert declared_job.owner is None
    answer = client_for(user).execute(READ, {"id": declared_job.pk})
    assert answer["data"]["job"] is None or "errors" in answer
