"""Live run events over WebSocket, in this process: visibility, resume, auth, protocols."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from strawberry.relay import GlobalID

from tests.graphql.ws import EVENTS, connect, receive_events, start
from thx_cron import lifecycle
from thx_cron.models import Job, JobEvent
from thx_cron_graphql.models import ApiToken

pytestmark = pytest.mark.django_db(transaction=True)


def run_once(job: Job, result: Any = "ok") -> None:
    run = lifecycle.create_run(job)
    job.start(run)
    job.complete(run, result)


async def error_message(socket: Any) -> str:
    """Return the error the server answered a subscription with (as graphql-transport-ws does)."""
    message = await socket.receive_json_from(timeout=5)
    assert message["type"] == "next", message
    assert message["payload"]["data"] is None
    return message["payload"]["errors"][0]["message"]


@database_sync_to_async
def token_for(user: Any) -> str:
    return ApiToken.issue(user, "ws")[1]


async def test_a_subscriber_sees_its_own_runs_live_and_not_other_users(
    make_job: Any, user: Any, other_user: Any
) -> None:
    mine = await database_sync_to_async(make_job)(owner=user, name="mine")
    theirs = await database_sync_to_async(make_job)(owner=other_user, name="theirs")
    socket = await connect(await token_for(user))
    await start(socket)
    await socket.receive_nothing(0.3)  # the subscription is registered before events happen
    await database_sync_to_async(run_once)(theirs)
    await database_sync_to_async(run_once)(mine)
    events = await receive_events(socket, 3)
    assert [e["kind"] for e in events] == ["QUEUED", "STARTED", "SUCCEEDED"]
    assert {e["job"]["name"] for e in events} == {"mine"}
    assert events[-1]["log"]["status"] == "SUCCEEDED"
    assert await socket.receive_nothing(0.3)
    await socket.disconnect()


async def test_resuming_after_an_event_delivers_every_missed_event_in_order_once(
    make_job: Any, user: Any
) -> None:
    job = await database_sync_to_async(make_job)(owner=user)
    await database_sync_to_async(run_once)(job)
    seen = await database_sync_to_async(lambda: list(JobEvent.objects.order_by("id")))()
    last_seen = seen[0]  # the client saw "queued" of the first run, then lost its connection
    for _ in range(3):
        await database_sync_to_async(run_once)(job)
    missed = await database_sync_to_async(
        lambda: list(JobEvent.objects.after(last_seen.pk).values_list("id", flat=True))
    )()
    assert len(missed) == 2 + 9

    socket = await connect(await token_for(user))
    after = str(GlobalID("JobEvent", str(last_seen.pk)))
    await start(socket, {"jobId": str(job.pk), "after": after})
    replayed = await receive_events(socket, len(missed))
    assert [int(GlobalID.from_id(e["id"]).node_id) for e in replayed] == missed
    # Then live events follow, without repeating any.
    await database_sync_to_async(run_once)(job)
    live = await receive_events(socket, 3)
    ids = [int(GlobalID.from_id(e["id"]).node_id) for e in live]
    assert ids == sorted(ids) and ids[0] > missed[-1]
    assert await socket.receive_nothing(0.3)
    await socket.disconnect()


async def test_the_legacy_graphql_ws_protocol_and_plain_ids_work_too(
    make_job: Any, user: Any
) -> None:
    job = await database_sync_to_async(make_job)(owner=user)
    socket = await connect(await token_for(user), protocol="graphql-ws")
    await start(socket, {"jobId": str(job.pk), "after": "0"}, protocol="graphql-ws")
    await database_sync_to_async(run_once)(job)
    events = await receive_events(socket, 3)
    assert [e["kind"] for e in events] == ["QUEUED", "STARTED", "SUCCEEDED"]
    await socket.disconnect()


async def test_anonymous_subscribers_and_other_users_jobs_get_an_error(
    make_job: Any, user: Any, other_user: Any
) -> None:
    theirs = await database_sync_to_async(make_job)(owner=other_user)
    anonymous = await connect()
    await start(anonymous)
    assert "Log in" in await error_message(anonymous)
    await anonymous.disconnect()

    socket = await connect(await token_for(user))
    await start(socket, {"jobId": str(theirs.pk)})
    assert "No job" in await error_message(socket)
    await socket.disconnect()


async def test_a_revoked_token_cannot_open_a_subscription(user: Any) -> None:
    token = await token_for(user)
    await database_sync_to_async(lambda: ApiToken.objects.get(user=user).revoke())()
    socket = await connect(token)
    closed = await socket.receive_output(timeout=5)
    assert closed["type"] == "websocket.close" and closed["code"] == 4403
    await socket.disconnect()


async def test_a_websocket_from_a_foreign_origin_is_refused(settings: Any, user: Any) -> None:
    from channels.testing import WebsocketCommunicator

    from thx_cron_graphql.asgi import application

    def communicator(origin: bytes) -> WebsocketCommunicator:
        return WebsocketCommunicator(
            application,
            "/graphql",
            subprotocols=["graphql-transport-ws"],
            headers=[(b"host", b"testserver"), (b"origin", origin)],
        )

    foreign = communicator(b"https://evil.example")
    connected, _ = await foreign.connect(timeout=5)
    assert not connected  # refused during the handshake
    same = communicator(b"http://testserver")
    assert (await same.connect(timeout=5))[0]
    await same.disconnect()
    settings.THX_CRON_ALLOWED_ORIGINS = ["https://app.example"]
    listed = communicator(b"https://app.example")
    assert (await listed.connect(timeout=5))[0]
    await listed.disconnect()


__all__ = ["EVENTS"]
