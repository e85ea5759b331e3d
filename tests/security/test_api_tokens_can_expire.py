"""API tokens carry an optional expiry (createApiToken, `thx-cron token create --expires`); an
expired token is refused like a revoked one, and a bad expiry is an error naming the field."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tests.graphql.client import GraphQLClient
from thx_cron_graphql.models import ApiToken

pytestmark = pytest.mark.django_db

CREATE = """mutation($at: DateTime) { createApiToken(name: "ci", expiresAt: $at) {
    __typename ... on NewApiToken { token apiToken { expiresAt } }
    ... on OperationInfo { messages { field message } } } }"""


def test_a_token_created_with_an_expiry_works_until_then_and_is_refused_after(user: Any) -> None:
    alice = GraphQLClient(token=ApiToken.issue(user)[1])
    at = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    created = alice.data(CREATE, {"at": at.isoformat()})["createApiToken"]
    assert created["apiToken"]["expiresAt"].startswith(at.strftime("%Y-%m-%dT%H:%M:%S"))
    script = GraphQLClient(token=created["token"])
    assert script.data("{ me { username } }") == {"me": {"username": "alice"}}
    ApiToken.objects.filter(name="ci").update(expires_at=timezone.now() - timedelta(seconds=1))
    refused = script.execute("{ me { username } }")
    assert "invalid, expired or revoked" in str(refused)


@pytest.mark.parametrize(
    ("at", "reason"),
    [("2020-01-01T00:00:00Z", "in the future"), ("2999-01-01T00:00:00Z", "before the year 2200")],
)
def test_an_expiry_in_the_past_or_too_far_is_refused_naming_the_field(
    user: Any, at: str, reason: str
) -> None:
    before = ApiToken.objects.count()
    alice = GraphQLClient(token=ApiToken.issue(user)[1])
    result = alice.data(CREATE, {"at": at})["createApiToken"]
    assert result["__typename"] == "OperationInfo"
    assert result["messages"][0]["field"] == "expiresAt"
    assert reason in result["messages"][0]["message"]
    assert ApiToken.objects.count() == before + 1  # only the test's own token


def test_the_token_command_takes_a_duration_or_an_instant(user: Any) -> None:
    call_command(
        "thx_cron_token", "create", "--user", "alice", "--expires", "30d", stdout=StringIO()
    )
    token = ApiToken.objects.get()
    expected = timezone.now() + timedelta(days=30)
    assert abs((token.expires_at - expected).total_seconds()) < 60
    call_command(
        "thx_cron_token", "create", "--user", "alice", "--expires", "2030-06-01", stdout=StringIO()
    )
    assert ApiToken.objects.filter(expires_at__year=2030).count() == 1


@pytest.mark.parametrize(
    ("value", "reason"), [("soon", "neither a duration"), ("2001-01-01", "future")]
)
def test_a_bad_expires_option_is_a_command_error(user: Any, value: str, reason: str) -> None:
    with pytest.raises(CommandError, match=f"--expires: .*{reason}"):
        call_command("thx_cron_token", "create", "--user", "alice", "--expires", value)
    assert not ApiToken.objects.exists()
