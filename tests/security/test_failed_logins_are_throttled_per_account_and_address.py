"""Failed logins are throttled per account and per client address (django-axes, limits from
THX_CRON_LOGIN_*), on the GraphQL `login` mutation and the admin login, with a clear 429 that
names neither the account nor the limit; the counts live in the database, so a lockout earned on
one web process holds on another."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.test import Client, override_settings

from tests.processes import free_port, sqlite_url, thx_process, wait_for

LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { __typename } }"
LIMIT = 3


def login(client: Client, username: str, password: str, address: str) -> Any:
    return client.post(
        "/graphql",
        json.dumps({"query": LOGIN, "variables": {"u": username, "p": password}}),
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def logged_in(response: Any) -> bool:
    body = response.content.decode().replace(" ", "")
    return response.status_code == 200 and '"__typename":"User"' in body


def refused_as_throttled(response: Any) -> bool:
    body = response.content.decode()
    return response.status_code == 429 and "Too many failed logins" in body and "alice" not in body


pytestmark = [pytest.mark.django_db]


@override_settings(THX_CRON_LOGIN_FAILURE_LIMIT=LIMIT)
def test_an_account_is_locked_after_failures_from_any_address(
    client: Client, user: Any, other_user: Any
) -> None:
    assert logged_in(login(client, "alice", "alice-password", "10.0.0.1"))
    for i in range(LIMIT):
        assert not logged_in(login(client, "alice", f"guess-{i}", f"10.0.1.{i}"))
    refused = login(client, "alice", "alice-password", "10.0.2.1")
    assert refused_as_throttled(refused)
    assert refused["Retry-After"] == "900"
    assert json.loads(refused.content)["errors"][0]["extensions"] == {"code": "LOGIN_THROTTLED"}
    # Another account, from the same new address, is not affected.
    assert logged_in(login(client, "bob", "bob-password", "10.0.2.1"))


@override_settings(THX_CRON_LOGIN_FAILURE_LIMIT=LIMIT)
def test_an_address_is_locked_after_failures_on_any_accounts(client: Client, user: Any) -> None:
    for i in range(LIMIT):
        assert not logged_in(login(client, f"nobody-{i}", "guess", "10.0.3.1"))
    assert refused_as_throttled(login(client, "alice", "alice-password", "10.0.3.1"))
    assert logged_in(login(client, "alice", "alice-password", "10.0.3.2"))


@override_settings(THX_CRON_LOGIN_FAILURE_LIMIT=LIMIT)
def test_the_admin_login_is_throttled_too(client: Client, staff_user: Any) -> None:
    for i in range(LIMIT):
        page = client.post("/admin/login/", {"username": "carol", "password": f"guess-{i}"})
        # The form again with Django's message, and 429 from the failure that reaches the limit.
        assert page.status_code == (429 if i == LIMIT - 1 else 200)
    refused = client.post("/admin/login/", {"username": "carol", "password": "carol-password"})
    assert refused.status_code == 429
    assert "Too many failed logins. Try again in 15 minutes." in refused.content.decode()
    assert "carol" not in refused.content.decode()


def web_is_up(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/graphql", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def post_login(port: int, password: str) -> httpx.Response:
    body = {"query": LOGIN, "variables": {"u": "alice", "p": password}}
    return httpx.post(f"http://127.0.0.1:{port}/graphql", json=body, timeout=10)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_lockout_earned_on_one_web_process_holds_on_another(tmp_path: Path, user: Any) -> None:
    first, second = free_port(), free_port()
    env = {"THX_CRON_LOGIN_FAILURE_LIMIT": str(LIMIT)}
    url = sqlite_url()
    with (
        thx_process(["web", "--port", str(first)], url, tmp_path / "first.log", **env),
        thx_process(["web", "--port", str(second)], url, tmp_path / "second.log", **env),
    ):
        wait_for(lambda: web_is_up(first) and web_is_up(second), timeout=60)
        for i in range(LIMIT - 1):
            assert "OperationInfo" in post_login(first, f"guess-{i}").text
        # The other process counts the first one's failures: this one reaches the limit.
        last = post_login(second, "guess-last")
        assert last.status_code == 429 and "Too many failed logins" in last.text, last.text
        refused = post_login(first, "alice-password")
        assert refused.status_code == 429, refused.text


def test_a_project_without_django_axes_is_warned_that_logins_are_not_throttled(
    capsys: Any,
) -> None:
    from django.conf import settings
    from django.core.management import call_command

    middleware = [name for name in settings.MIDDLEWARE if not name.startswith("axes.")]
    with override_settings(MIDDLEWARE=middleware):
        call_command("check")
    err = capsys.readouterr().err
    assert "thx_cron.W042" in err and "axes.middleware.AxesMiddleware" in err
