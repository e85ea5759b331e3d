"""GraphQL errors are logged by kind: a client's mistake in one WARNING line, a fault at ERROR."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from graphql import GraphQLError

from tests.graphql.client import GraphQLClient
from thx_cron_graphql.error_logging import log_error


def _graphql_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith(("thx_cron.graphql", "strawberry"))]


def test_a_typo_bad_input_and_a_missing_login_log_one_warning_each_without_traceback(
    alice: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert alice.execute("{ jbos { totalCount } }")["errors"]
    assert alice.execute("{ jobs(first: 1000) { totalCount } }")["errors"]
    assert GraphQLClient().execute("mutation { pauseJob(id: 1) { __typename } }")
    records = _graphql_records(caplog)
    assert records, "client errors are logged"
    assert {r.levelname for r in records} == {"WARNING"}
    assert all(r.exc_info is None and r.exc_text is None for r in records)
    assert any("jbos" in r.getMessage() for r in records)


def test_a_fault_in_a_resolver_is_logged_at_error_with_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    try:
        raise RuntimeError("the database caught fire")
    except RuntimeError as exc:
        fault = GraphQLError("the database caught fire", original_error=exc, path=["jobs"])
    log_error(fault, "Jobs")
    (record,) = _graphql_records(caplog)
    assert record.levelname == "ERROR"
    assert record.exc_info and record.exc_info[1] is fault.original_error
    assert "operation Jobs at jobs" in record.getMessage()


def test_a_subscription_sent_over_http_is_told_to_use_the_websocket(
    alice: Any, caplog: pytest.LogCaptureFixture
) -> None:
    response = alice.request("POST", json={"query": "subscription { jobLogEvents { id } }"})
    assert response.status_code == 400
    assert "WebSocket" in response.text and "graphql-transport-ws" in response.text
    assert "Cannot return null" not in response.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_malformed_global_id_is_a_client_error_and_any_other_value_error_a_fault(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from strawberry.relay import GlobalID

    caplog.set_level(logging.DEBUG)
    for bad in (lambda: GlobalID.from_id("not a global id"), lambda: int("x")):
        try:
            bad()
        except ValueError as exc:
            log_error(GraphQLError(str(exc), original_error=exc, path=["job"]), None)
    assert [r.levelname for r in _graphql_records(caplog)] == ["WARNING", "ERROR"]
