"""A real `thx-cron web` process for the security tests, and clients that speak to it over
loopback HTTP and WebSocket."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import websockets


@dataclass
class Server:
    """A running web process: its port and its log (stdout and stderr)."""

    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    def post(self, body: Any, token: str | None = None, **kwargs: Any) -> httpx.Response:
        """POST `body` (JSON-encoded unless bytes or str) and return the response."""
        headers = {"Content-Type": "application/json", **kwargs.pop("headers", {})}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        content = body if isinstance(body, (bytes, str)) else json.dumps(body)
        return httpx.post(self.url, content=content, headers=headers, timeout=30, **kwargs)

    def execute(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        response = self.post({"query": query, "variables": variables or {}}, token)
        assert response.status_code == 200, (response.status_code, response.text[:500])
        return response.json()

    def log_size(self) -> int:
        return self.log.stat().st_size

    def log_since(self, offset: int) -> str:
        with open(self.log, "rb") as handle:
            handle.seek(offset)
            return handle.read().decode("utf-8", "replace")

    def over_websocket(
        self, query: str, token: str | None = None, variables: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Send `query` over graphql-transport-ws; return the messages up to its end."""
        return asyncio.run(self._over_websocket(query, token, variables or {}))

    async def _over_websocket(
        self, query: str, token: str | None, variables: dict[str, Any]
    ) -> list[dict[str, Any]]:
        async with websockets.connect(
            f"ws://127.0.0.1:{self.port}/graphql",
            subprotocols=[websockets.Subprotocol("graphql-transport-ws")],
            max_size=None,
        ) as socket:
            payload = {"Authorization": f"Bearer {token}"} if token else {}
            await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
            ack = json.loads(await asyncio.wait_for(socket.recv(), 20))
            assert ack["type"] == "connection_ack", ack
            message = {"query": query, "variables": variables}
            await socket.send(json.dumps({"type": "subscribe", "id": "1", "payload": message}))
            received: list[dict[str, Any]] = []
            # Generous: a refusal comes at once; before the cost rule, this never came.
            while not received or received[-1]["type"] not in ("error", "complete"):
                received.append(json.loads(await asyncio.wait_for(socket.recv(), 30)))
            return received


def assert_clean_log(text: str) -> None:
    """The log of a refused request: a warning, never a traceback or a server error."""
    assert "Traceback" not in text, text[-3000:]
    assert " ERROR " not in text, text[-3000:]
    assert "WARNING" in text, text[-3000:]
