"""Every datetime input is bounded to 1970-2199 with a field-named error, and a job that holds
extreme datetimes anyway (written by an older version) breaks no one's view."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from tests.graphql.client import GraphQLClient
from thx_cron.models import Job
from thx_cron.schedules.schedule import Schedule, ScheduleSpec

pytestmark = pytest.mark.django_db
CREATE = """mutation($input: JobInput!) { createJob(input: $input) {
  __typename ... on OperationInfo { messages { field message } } } }"""
PREVIEW = """query($after: DateTime) { previewSchedule(schedule: {cron: "0 9 * * *"}, after: $after)
  { __typename ... on OperationInfo { messages { field message } }
    ... on SchedulePreview { occurrences } } }"""


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"start_at": datetime(1, 1, 1, tzinfo=UTC)}, "start_at"),
        ({"end_at": datetime(9999, 12, 31, tzinfo=UTC)}, "end_at"),
        ({"schedule_kind": "once", "cron": "", "run_at": datetime(9999, 12, 31, 23)}, "run_at"),
        ({"schedule_kind": "once", "cron": "", "run_at": datetime(1969, 12, 31)}, "run_at"),
        ({"cron": "0 0 * * * 0 2200"}, "cron"),
        ({"schedule_kind": "calendar", "cron": "", "year": 2200}, "year"),
    ],
)
def test_a_datetime_outside_1970_2199_is_refused_naming_the_field(
    fields: dict[str, Any], field: str
) -> None:
    job = Job(
        **{"name": "extreme", "action": "demo.echo", "args": ["x"], "cron": "* * * * *", **fields}
    )
    with pytest.raises(ValidationError) as caught:
        job.full_clean()

    assert field in caught.value.message_dict
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"startAt": "0001-01-01T00:00:00Z"}, "startAt"),
        ({"endAt": "9999-12-31T23:59:59Z"}, "endAt"),
        ({"schedule": {"at": "9999-12-31T23:00:00"}}, "schedule.at"),
    ],
)
def test_graphql_refuses_extreme_datetimes_naming_the_field(
    alice: Any, extra: dict[str, Any], field: str
) -> None:
    values = {"name": "x", "action": "demo.echo", "args": ["x"], "schedule": {"cron": "0 9 * * *"}}
    payload = alice.data(CREATE, {"input": {**values, **extra}})["createJob"]

    assert payload["__typename"] == "OperationInfo"
    assert [message["field"] for message in payload["messages"]] == [field]
    assert "1970-01-01 to 2199-12-31" in payload["messages"][0]["message"]
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    "after", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59", "1969-12-31T23:00:00+05:00"]
)
def test_preview_schedule_refuses_an_extreme_after_naming_it(after: str) -> None:
    payload = GraphQLClient().data(PREVIEW, {"after": after})["previewSchedule"]

    assert payload["__typename"] == "OperationInfo"
    assert payload["messages"][0]["field"] == "after"


def test_the_python_api_is_total_at_the_extremes() -> None:
    schedule = Schedule(
        ScheduleSpec(kind="cron", cron="0 9 * * *"),
        timezone="America/Los_Angeles",
        start_at=datetime(1, 1, 1, tzinfo=UTC),
        end_at=datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
    )
    far = datetime(9999, 12, 31, 23, 59, tzinfo=UTC)

    assert schedule.next_after(far) is None
    assert schedule.next_after(datetime(1, 1, 1, tzinfo=UTC)) == datetime(
        1970, 1, 1, 17, tzinfo=UTC
    )
    assert schedule.latest_at_or_before(far, datetime(1, 1, 1, tzinfo=UTC)) == datetime(
        2199, 12, 31, 17, tzinfo=UTC
    )
    assert "Los_Angeles" in schedule.describe()
    once = Schedule(ScheduleSpec(kind="once", at=datetime(9999, 12, 31, 23)), timezone="Asia/Tokyo")
    assert once.next_after(datetime(2027, 1, 1, tzinfo=UTC)) is None
    assert "9999" in once.describe()


@pytest.fixture
def extreme_job(user: Any) -> Job:
    job = Job.objects.create(
        name="extreme",
        owner=user,
        action="demo.echo",
        args=["x"],
        cron="0 9 * * *",
        timezone="America/Los_Angeles",
    )
    # As an older version could have saved it, before the bounds.
    Job.objects.filter(pk=job.pk).update(
        start_at=datetime(1, 1, 1, tzinfo=UTC), end_at=datetime(9999, 12, 31, tzinfo=UTC)
    )
    return Job.objects.get(pk=job.pk)


def test_a_job_with_extreme_datetimes_breaks_no_view(
    extreme_job: Job, staff_user: Any, admin_user: Any, client_for: Any, admin_client: Any
) -> None:
    staff = client_for(staff_user)
    jobs = staff.data("{ jobs { edges { node { name startAt schedule { description } } } } }")
    assert jobs["jobs"]["edges"][0]["node"]["name"] == "extreme"

    assert admin_client.get("/admin/thx_cron/job/").status_code == 200
    assert admin_client.get(f"/admin/thx_cron/job/{extreme_job.pk}/change/").status_code == 200

    out = io.StringIO()
    call_command("thx_cron_jobs", stdout=out)
    assert "extreme" in out.getvalue()

    superuser = client_for(admin_user)
    superuser.data(
        "mutation($id: ID!) { pauseJob(id: $id) { __typename } }", {"id": extreme_job.pk}
    )
    resumed = superuser.data(
        """mutation($id: ID!) { resumeJob(id: $id) { __typename ... on Job { nextRunAt }
          ... on OperationInfo { messages { field message } } } }""",
        {"id": extreme_job.pk},
    )["resumeJob"]
    assert resumed["__typename"] == "Job" and resumed["nextRunAt"]
