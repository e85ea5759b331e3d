"""Operations written from the schema, with arguments of every shape, never make the server
answer 500 or log a traceback (bounded: 200 derandomised examples, about 40 s)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given, settings

from tests.security.fuzz import operations
from tests.security.server import Server
from thx_cron_graphql.models import ApiToken
from thx_cron_graphql.schema import schema

pytestmark = pytest.mark.slow


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operation=operations(schema._schema))
def test_no_operation_makes_a_server_error_or_a_traceback(
    server: Server, alice_token: str, operation: tuple[str, dict[str, Any]]
) -> None:
    document, variables = operation
    # A fresh token each time: a drawn revokeApiToken may have revoked the last one.
    token = ApiToken.issue(get_user_model().objects.get(username="alice"), "fuzz")[1]
    offset = server.log_size()
    response = server.post({"query": document, "variables": variables}, token)
    # 429: the fuzz's own failed logins end up throttled, as they should.
    assert response.status_code in (200, 400, 429), (response.status_code, document, variables)
    log = server.log_since(offset)
    assert "Traceback" not in log and " ERROR " not in log, (document, variables, log[-3000:])
