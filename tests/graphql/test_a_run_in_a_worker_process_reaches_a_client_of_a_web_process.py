"""A run executed by a `thx-cron worker` process reaches a client of a `thx-cron web` process."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from tests.processes import free_port, sqlite_url, thx_process, wait_for
from thx_cron_graphql.models import ApiToken

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

REDIS_URL = os.environ.get("THX_CRON_TEST_REDIS_URL", "")
SUBSCRIBE = """subscription { jobLogEvents(afterEventId: "0") {
    id kind job { name } log { status result } } }"""
CREATE = """mutation { createJob(input: {name: "remote", action: "demo.echo", args: ["hi"],
    schedule: {cron: "0 0 1 1 *"}}) { ... on Job { id } ... on OperationInfo { messages {
    message } } } }"""


def web_is_up(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/graphql", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def post(port: int, token: str, query: str) -> dict[str, Any]:
    response = httpx.post(
        f"http://127.0.0.1:{port}/graphql",
        json={"query": query},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    answer = response.json()
    assert not answer.get("errors"), answer
    return answer["data"]


async def follow(port: int, token: str, start_run: Any) -> list[dict[str, Any]]:
    """Subscribe, let `start_run` queue a run, and collect its events until it finishes."""
    async with websockets.connect(
        f"ws://127.0.0.1:{port}/graphql", subprotocols=["graphql-transport-ws"]
    ) as socket:
        await socket.send(
            json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        )
        assert json.loads(await asyncio.wait_for(socket.recv(), 10))["type"] == "connection_ack"
        await socket.send(
            json.dumps({"type": "subscribe", "id": "1", "payload": {"query": SUBSCRIBE}})
        )
        # Resuming from event 0 means no event is lost, however long the server takes to subscribe.
        await asyncio.to_thread(start_run)
        events: list[dict[str, Any]] = []
        while not events or events[-1]["kind"] not in ("SUCCEEDED", "FAILED"):
            message = json.loads(await asyncio.wait_for(socket.recv(), 30))
            assert message["type"] == "next", message
            events.append(message["payload"]["data"]["jobLogEvents"])
        return events


def scenario(tmp_path: Path, user: Any, **env: str) -> None:
    port = free_port()
    _, token = ApiToken.issue(user, "remote")
    url = sqlite_url()
    with (
        thx_process(["web", "--port", str(port)], url, tmp_path / "web.log", **env),
        thx_process(["worker"], url, tmp_path / "worker.log", **env),
    ):
        wait_for(lambda: web_is_up(port), timeout=30)
        job_id = post(port, token, CREATE)["createJob"]["id"]

        def run_now() -> None:
            post(port, token, f'mutation {{ runJobNow(id: "{job_id}") {{ __typename }} }}')

        events = asyncio.run(follow(port, token, run_now))
    assert [e["kind"] for e in events] == ["QUEUED", "STARTED", "SUCCEEDED"], events
    assert {e["job"]["name"] for e in events} == {"remote"}
    assert events[-1]["log"] == {"status": "SUCCEEDED", "result": "hi"}


def test_a_worker_run_reaches_a_web_subscriber_on_the_embedded_default(
    tmp_path: Path, user: Any
) -> None:
    scenario(tmp_path, user)


@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="needs THX_CRON_TEST_REDIS_URL (a Redis server)")
def test_a_worker_run_reaches_a_web_subscriber_through_redis(tmp_path: Path, user: Any) -> None:
    scenario(tmp_path, user, THX_CRON_REDIS_URL=REDIS_URL)
