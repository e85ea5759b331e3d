"""Bad values in a well-formed request are GraphQL errors or OperationInfo messages that name
the field, logged as a warning without a traceback; nothing is written."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.security.server import Server, assert_clean_log
from thx_cron.models import Job
from thx_cron_notifications.models import NotificationRule

pytestmark = pytest.mark.slow

_CURSOR = base64.b64encode(b"arrayconnection:-5").decode()
# (document, variables, the field named in the error)
QUERIES = {
    "id ²": ('{ job(id: "²") { id } }', {}, None),
    "id of 5,000 digits": ("query($id: ID!) { job(id: $id) { id } }", {"id": "9" * 5000}, None),
    "filter id of 30 digits": (
        '{ jobs(filters: {id: {exact: "' + "9" * 30 + '"}}) { totalCount } }',
        {},
        "filters.id.exact",
    ),
    "filter ids not ids": (
        '{ jobLogs(filters: {id: {inList: ["1", "abc"]}}) { totalCount } }',
        {},
        "filters.id.inList",
    ),
    "regex (": ('{ jobs(filters: {name: {regex: "("}}) { totalCount } }', {}, "filters.name.regex"),
    "nested quantifier": (
        '{ jobs(filters: {name: {regex: "(a+)+$"}}) { totalCount } }',
        {},
        "filters.name.regex",
    ),
    "year beyond 9999": (
        "{ jobs(filters: {nextRunAt: {year: {gt: 2147483647}}}) { totalCount } }",
        {},
        "filters.nextRunAt.year.gt",
    ),
    "cursor of bad base64": ('{ jobs(after: "!!!") { totalCount } }', {}, "after"),
    "cursor arrayconnection:-5": (
        '{ jobs(after: "' + _CURSOR + '") { totalCount } }',
        {},
        "after",
    ),
    "negative page size": ("{ jobLogs(last: -1) { totalCount } }", {}, "last"),
    "negative count limit": ("{ jobs { totalCountUpTo(limit: -1) } }", {}, "limit"),
}


@pytest.mark.parametrize("document, variables, field", QUERIES.values(), ids=QUERIES.keys())
def test_a_bad_query_value_is_an_error_naming_its_argument(
    server: Server, alice_token: str, document: str, variables: dict[str, Any], field: str | None
) -> None:
    offset = server.log_size()
    answer = server.execute(document, variables, token=alice_token)
    if field is None:  # an id that cannot be one names nothing: there is no such job
        assert answer == {"data": {"job": None}}, answer
    else:
        error = answer["errors"][0]
        assert error["extensions"]["field"] == field, answer
        assert error["message"].startswith(f"{field}: "), answer
        assert_clean_log(server.log_since(offset))
    assert "Traceback" not in server.log_since(offset)


JOB = """mutation($input: JobInput!) { createJob(input: $input) {
  __typename ... on OperationInfo { messages { field message } } } }"""
_VALID = {"name": "a job", "action": "demo.echo", "args": ["x"], "schedule": {"cron": "0 0 1 1 *"}}
JOB_INPUTS = {
    "NUL in the name": ({"name": "a\x00b"}, "name", "NUL"),
    "NUL in an argument": ({"args": ["a\x00b"]}, "args", "NUL"),
    "a description of 20,000 characters": ({"description": "d" * 20_000}, "description", "10,000"),
    "21 tags": ({"tags": [f"t{i}" for i in range(21)]}, "tags", "At most 20 tags"),
    "a tag of 500 characters": ({"tags": ["t" * 500]}, "tags", "Tag 1"),
    "args 20 levels deep": ({"args": [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]}, "args", "levels"),
    "args of 100 KB": ({"args": ["a" * 100_000]}, "args", "characters as JSON"),
    "kwargs with a huge integer": ({"kwargs": {"message": 10**30}}, "kwargs", "64 bits"),
}


@pytest.mark.parametrize("change, field, words", JOB_INPUTS.values(), ids=JOB_INPUTS.keys())
def test_a_bad_job_value_is_an_operation_info_naming_its_field(
    server: Server, alice_token: str, change: dict[str, Any], field: str, words: str
) -> None:
    offset = server.log_size()
    answer = server.execute(JOB, {"input": {**_VALID, **change}}, token=alice_token)
    result = answer["data"]["createJob"]
    assert result["__typename"] == "OperationInfo", answer
    assert result["messages"][0]["field"] == field, result
    assert words in result["messages"][0]["message"], result
    assert not Job.objects.exists()
    assert "Traceback" not in server.log_since(offset)


RULE = """mutation($input: NotificationRuleInput!) { createNotificationRule(input: $input) {
  __typename ... on OperationInfo { messages { field message } } } }"""
_RULE = {"name": "alerts", "urls": ["json://localhost"], "events": ["FAILED"]}
RULE_INPUTS = {
    "a URL of 5,000 characters": ({"urls": ["json://localhost/" + "a" * 5000]}, "urls", "URL 1"),
    "30 events": ({"events": ["FAILED"] * 30}, "events", "At most 20 events"),
    "a body template of 20,000 characters": (
        {"bodyTemplate": "x" * 20_000},
        "bodyTemplate",
        "10,000",
    ),
    "NUL in the name": ({"name": "a\x00"}, "name", "NUL"),
}


@pytest.mark.parametrize("change, field, words", RULE_INPUTS.values(), ids=RULE_INPUTS.keys())
def test_a_bad_rule_value_is_an_operation_info_naming_its_field(
    server: Server, alice_token: str, change: dict[str, Any], field: str, words: str
) -> None:
    answer = server.execute(RULE, {"input": {**_RULE, **change}}, token=alice_token)
    result = answer["data"]["createNotificationRule"]
    assert result["__typename"] == "OperationInfo", answer
    assert result["messages"][0]["field"] == field, result
    assert words in result["messages"][0]["message"], result
    assert not NotificationRule.objects.exists()


def test_a_second_rule_with_the_same_name_is_a_field_error_not_a_server_error(
    server: Server, alice_token: str
) -> None:
    first = server.execute(RULE, {"input": _RULE}, token=alice_token)
    assert first["data"]["createNotificationRule"]["__typename"] == "NotificationRule", first
    offset = server.log_size()
    second = server.execute(RULE, {"input": _RULE}, token=alice_token)
    result = second["data"]["createNotificationRule"]
    assert result["__typename"] == "OperationInfo", second
    assert result["messages"][0]["field"] == "name", result
    assert "already exists" in result["messages"][0]["message"], result
    assert NotificationRule.objects.count() == 1
    assert "Traceback" not in server.log_since(offset)
