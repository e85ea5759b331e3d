"""Talk graphql-transport-ws / graphql-ws to the real ASGI application in this process."""

from __future__ import annotations

from typing import Any

from channels.testing import WebsocketCommunicator

from thx_cron_graphql.asgi import application

EVENTS = """subscription($jobId: ID, $after: ID) {
  jobLogEvents(jobId: $jobId, afterEventId: $after) {
    id kind occurredAt job { name } log { id status }
  }
}"""


async def connect(
    token: str | None = None,
    protocol: str = "graphql-transport-ws",
    headers: list[tuple[bytes, bytes]] | None = None,
) -> WebsocketCommunicator:
    """Open the socket and finish connection_init (with the token in its payload)."""
    communicator = WebsocketCommunicator(
        application,
        "/graphql",
        subprotocols=[protocol],
        headers=[(b"host", b"testserver"), *(headers or [])],
    )
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    payload = {"Authorization": f"Bearer {token}"} if token else {}
    await communicator.send_json_to({"type": "connection_init", "payload": payload})
    return communicator


async def start(
    communicator: WebsocketCommunicator,
    variables: dict[str, Any] | None = None,
    query: str = EVENTS,
    operation_id: str = "1",
    protocol: str = "graphql-transport-ws",
) -> None:
    ack = await communicator.receive_json_from(timeout=5)
    assert ack["type"] == "connection_ack", ack
    kind = "subscribe" if protocol == "graphql-transport-ws" else "start"
    await communicator.send_json_to(
        {
            "type": kind,
            "id": operation_id,
            "payload": {"query": query, "variables": variables or {}},
        }
    )


async def receive_events(communicator: WebsocketCommunicator, count: int) -> list[dict[str, Any]]:
    """Return the next `count` events (fails on an error message or after a timeout)."""
    events = []
    while len(events) < count:
        message = await communicator.receive_json_from(timeout=10)
        assert message["type"] in ("next", "data"), message
        assert not message["payload"].get("errors"), message
        events.append(message["payload"]["data"]["jobLogEvents"])
    return events
