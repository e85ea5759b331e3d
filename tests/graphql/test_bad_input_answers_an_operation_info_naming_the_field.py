"""Every bad input answers an OperationInfo naming the field, and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import serializers

from thx_cron.models import Job, JobLog

CREATE = """mutation($input: JobInput!) { createJob(input: $input) {
    __typename ... on OperationInfo { messages { kind field message } } } }"""
UPDATE = """mutation($id: ID!, $input: JobInput!) { updateJob(id: $id, input: $input) {
    __typename ... on OperationInfo { messages { kind field message } } } }"""
VALID = {"name": "n", "action": "demo.echo", "args": ["hi"], "schedule": {"cron": "* * * * *"}}


def snapshot() -> str:
    return serializers.serialize("json", [*Job.objects.all(), *JobLog.objects.all()])


def messages(answer: dict[str, Any], operation: str) -> list[dict[str, Any]]:
    assert "errors" not in answer, answer
    payload = answer["data"][operation]
    assert payload["__typename"] == "OperationInfo", payload
    return payload["messages"]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"schedule": {"cron": "61 * * * *"}}, "schedule.cron", "minute"),
        ({"schedule": {"every": {"seconds": 0}}}, "schedule.every.seconds", ""),
        ({"schedule": {"calendar": {"month": 2, "day": 30}}}, "schedule.calendar", ""),
        ({"timezone": "Mars/Olympus"}, "timezone", "Mars/Olympus"),
        ({"action": "os.system"}, "action", "not a registered action"),
        ({"args": [], "kwargs": {}}, "args", "message"),
        ({"args": ["a", "b", "c"]}, "args", "too many"),
        ({"kwargs": {"nope": 1}, "args": ["x"]}, "kwargs", "nope"),
        ({"timeout_seconds": 0}, "timeoutSeconds", "between"),
        ({"tags": [""]}, "tags", "non-empty"),
        ({"name": None}, "name", "null"),
    ],
)
def test_a_bad_job_input_names_its_field_and_saves_nothing(
    alice: Any, make_job: Any, user: Any, change: dict[str, Any], field: str, words: str
) -> None:
    existing = make_job(owner=user, name="existing")
    before = snapshot()
    change = {("timeoutSeconds" if k == "timeout_seconds" else k): v for k, v in change.items()}
    for answer, operation in (
        (alice.execute(CREATE, {"input": {**VALID, **change}}), "createJob"),
        (alice.execute(UPDATE, {"id": existing.pk, "input": change}), "updateJob"),
    ):
        found = messages(answer, operation)
        assert [m["field"] for m in found][:1] == [field], found
        assert words.lower() in found[0]["message"].lower(), found
        assert found[0]["kind"] == "VALIDATION"
    assert snapshot() == before


def test_a_second_job_with_the_same_name_is_refused(alice: Any, make_job: Any, user: Any) -> None:
    make_job(owner=user, name="same")
    before = snapshot()
    found = messages(alice.execute(CREATE, {"input": {**VALID, "name": "same"}}), "createJob")
    assert found[0]["field"] == "name" and "already exists" in found[0]["message"]
    assert snapshot() == before


def test_two_schedule_kinds_at_once_are_refused_by_the_one_of_input(alice: Any) -> None:
    answer = alice.execute(
        CREATE, {"input": {**VALID, "schedule": {"cron": "* * * * *", "every": {"seconds": 5}}}}
    )
    assert answer["errors"] and "exactly one" in answer["errors"][0]["message"].lower()
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    "operation",
    ["updateJob", "deleteJob", "pauseJob", "resumeJob", "runJobNow", "cancelRun"],
)
@pytest.mark.parametrize("bad_id", ["999999", "Sm9iOjk5OTk5OQ==", "not-an-id"])
def test_an_unknown_id_is_reported_on_the_id_field(
    alice: Any, make_job: Any, user: Any, operation: str, bad_id: str
) -> None:
    make_job(owner=user)
    before = snapshot()
    extra = ', input: {name: "x"}' if operation == "updateJob" else ""
    answer = alice.execute(
        f"""mutation($id: ID!) {{ {operation}(id: $id{extra}) {{
        __typename ... on OperationInfo {{ messages {{ kind field message }} }} }} }}""",
        {"id": bad_id},
    )
    found = messages(answer, operation)
    assert found[0]["field"] == "id" and bad_id in found[0]["message"]
    assert snapshot() == before


def test_a_bad_preview_names_its_field(alice: Any) -> None:
    query = """query($s: ScheduleInput!, $tz: String!, $n: Int!) {
        previewSchedule(schedule: $s, timezone: $tz, count: $n) {
        __typename ... on OperationInfo { messages { field message } } } }"""
    cases = [
        ({"cron": "* * *"}, "UTC", 3, "schedule.cron"),
        ({"cron": "* * * * *"}, "Nowhere/Land", 3, "timezone"),
        ({"cron": "* * * * *"}, "UTC", 0, "count"),
    ]
    for schedule, zone, count, field in cases:
        payload = alice.data(query, {"s": schedule, "tz": zone, "n": count})["previewSchedule"]
        assert payload["__typename"] == "OperationInfo"
        assert payload["messages"][0]["field"] == field, payload
