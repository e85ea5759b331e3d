"""A revoked or expired API token ends the live WebSocket subscriptions that use it (close code
4403) within seconds, over graphql-transport-ws and graphql-ws, in every web process: the token
is revoked through one `thx-cron web` process while its subscriptions live on another."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from django.db import connection
from django.utils import timezone

from tests.processes import free_port, sqlite_url, thx_process, wait_for
from thx_cron import lifecycle
from thx_cron_graphql.models import ApiToken

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SUBSCRIBE = 'subscription { jobLogEvents(afterEventId: "0") { id kind } }'
PROTOCOLS = ("graphql-transport-ws", "graphql-ws")
# Generous against a busy machine; the server checks every THX_CRON_TOKEN_RECHECK_SECONDS.
CLOSE_WITHIN = 20


def web_is_up(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/graphql", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def post(port: int, token: str, query: str) -> httpx.Response:
    return httpx.post(
        f"http://127.0.0.1:{port}/graphql",
        json={"query": query},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )


async def subscribed(port: int, token: str, protocol: str) -> Any:
    """Open a socket, subscribe, and return it once the first event arrived (so it is live)."""
    socket = await websockets.connect(f"ws://127.0.0.1:{port}/graphql", subprotocols=[protocol])
    init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
    await socket.send(json.dumps(init))
    assert json.loads(await asyncio.wait_for(socket.recv(), 10))["type"] == "connection_ack"
    kind = "subscribe" if protocol == "graphql-transport-ws" else "start"
    await socket.send(json.dumps({"type": kind, "id": "1", "payload": {"query": SUBSCRIBE}}))
    while True:
        message = json.loads(await asyncio.wait_for(socket.recv(), 30))
        if message["type"] in ("next", "data"):
            assert message["payload"]["data"]["jobLogEvents"]["kind"] == "QUEUED", message
            return socket


async def close_code(socket: Any) -> int | None:
    """Read until the server closes the socket; return its close code."""
    try:
        while True:
            await asyncio.wait_for(socket.recv(), CLOSE_WITHIN)
    except websockets.ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None


def test_revoking_a_token_in_one_web_process_ends_its_subscriptions_in_another(
    tmp_path: Path, user: Any, make_job: Any
) -> None:
    lifecycle.create_run(make_job(owner=user))
    token, secret = ApiToken.issue(user, "dashboard")
    _, other_secret = ApiToken.issue(user, "other")
    first, second = free_port(), free_port()
    url = sqlite_url()
    with (
        thx_process(["web", "--port", str(first)], url, tmp_path / "first.log"),
        thx_process(["web", "--port", str(second)], url, tmp_path / "second.log"),
    ):
        wait_for(lambda: web_is_up(first) and web_is_up(second), timeout=60)

        async def scenario() -> tuple[list[int | None], bool]:
            doomed = [await subscribed(second, secret, protocol) for protocol in PROTOCOLS]
            kept = await subscribed(second, other_secret, "graphql-transport-ws")
            revoke = (
                f'mutation {{ revokeApiToken(id: "{token.pk}") {{ ... on ApiToken {{ id }} }} }}'
            )
            revoked = await asyncio.to_thread(post, first, secret, revoke)
            assert revoked.json()["data"]["revokeApiToken"] == {"id": str(token.pk)}, revoked.text
            codes = [await close_code(socket) for socket in doomed]
            # The other token's subscription lives on.
            await kept.ping()
            alive = kept.close_code is None
            await kept.close()
            return codes, alive

        codes, other_alive = asyncio.run(scenario())
        assert codes == [4403, 4403]
        assert other_alive
        refused = post(first, secret, "{ me { username } }")
        assert "invalid, expired or revoked" in refused.text


def issue_expiring(user: Any, after: timedelta) -> str:
    try:
        return ApiToken.issue(user, "short", timezone.now() + after)[1]
    finally:
        connection.close()  # this thread's own connection


def test_an_expired_token_ends_its_subscriptions_and_is_refused(
    tmp_path: Path, user: Any, make_job: Any
) -> None:
    lifecycle.create_run(make_job(owner=user))
    port = free_port()
    with thx_process(["web", "--port", str(port)], sqlite_url(), tmp_path / "web.log"):
        wait_for(lambda: web_is_up(port), timeout=60)

        async def scenario() -> list[int | None]:
            # Expiring soon after the sockets are live, not before.
            secret = await asyncio.to_thread(issue_expiring, user, timedelta(seconds=4))
            sockets = [await subscribed(port, secret, protocol) for protocol in PROTOCOLS]
            codes = [await close_code(socket) for socket in sockets]
            refused = await asyncio.to_thread(post, port, secret, "{ me { username } }")
            assert "invalid, expired or revoked" in refused.text
            return codes

        assert asyncio.run(scenario()) == [4403, 4403]
