"""Session login, API tokens (hashed, revocable) and the token command."""

from __future__ import annotations

from io import StringIO
from typing import Any

from django.core.management import call_command

from tests.graphql.client import GraphQLClient
from thx_cron_graphql.models import ApiToken, hash_token

ME = "{ me { username } }"


def test_login_starts_a_session_and_logout_ends_it(user: Any) -> None:
    browser = GraphQLClient()
    wrong = browser.data("""mutation { login(username: "alice", password: "nope") {
        __typename ... on OperationInfo { messages { field message } } } }""")["login"]
    assert wrong["messages"][0]["field"] == "password"
    assert browser.data(ME) == {"me": None}

    browser.data("""mutation { login(username: "alice", password: "alice-password") {
        ... on User { username } } }""")
    assert browser.data(ME) == {"me": {"username": "alice"}}
    assert browser.data("mutation { logout }") == {"logout": True}
    assert browser.data(ME) == {"me": None}


def test_an_api_token_is_shown_once_stored_hashed_and_revocable(user: Any) -> None:
    browser = GraphQLClient()
    browser.data('mutation { login(username: "alice", password: "alice-password") { __typename } }')
    created = browser.data("""mutation { createApiToken(name: "ci") {
        ... on NewApiToken { token apiToken { id name prefix } } } }""")["createApiToken"]
    secret = created["token"]
    stored = ApiToken.objects.get(pk=created["apiToken"]["id"])
    assert stored.key_hash == hash_token(secret) and secret not in str(vars(stored))
    assert secret.startswith(created["apiToken"]["prefix"])

    script = GraphQLClient(token=secret)
    assert script.data(ME) == {"me": {"username": "alice"}}
    revoked = script.data(
        """mutation($id: ID!) { revokeApiToken(id: $id) {
        ... on ApiToken { revokedAt } } }""",
        {"id": stored.pk},
    )["revokeApiToken"]
    assert revoked["revokedAt"]
    response = script.request("POST", json={"query": ME})
    assert response.status_code == 401
    assert "revoked" in response.json()["errors"][0]["message"]


def test_a_malformed_authorization_header_is_refused(user: Any) -> None:
    response = GraphQLClient().request(
        "POST", json={"query": ME}, headers={"Authorization": "Basic abc"}
    )
    assert response.status_code == 401
    assert "Bearer" in response.json()["errors"][0]["message"]


def test_the_token_command_prints_a_working_token_lists_and_revokes(user: Any) -> None:
    out, err = StringIO(), StringIO()
    call_command(
        "thx_cron_token", "create", "--user", "alice", "--name", "cron", stdout=out, stderr=err
    )
    secret = out.getvalue().strip()
    assert GraphQLClient(token=secret).data(ME) == {"me": {"username": "alice"}}
    listing = StringIO()
    call_command("thx_cron_token", "list", "--user", "alice", stdout=listing)
    assert "cron" in listing.getvalue() and secret not in listing.getvalue()
    token = ApiToken.objects.get(name="cron")
    call_command("thx_cron_token", "revoke", str(token.pk), stdout=StringIO())
    assert GraphQLClient(token=secret).request("POST", json={"query": ME}).status_code == 401
