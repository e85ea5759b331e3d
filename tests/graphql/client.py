"""A GraphQL client that speaks HTTP to the real ASGI application (no resolver shortcuts)."""

from __future__ import annotations

from typing import Any

import httpx
from asgiref.sync import async_to_sync
from django.core import signals
from django.db import close_old_connections

from thx_cron_graphql.asgi import application


class GraphQLClient:
    """POST documents to /graphql; keeps cookies like a browser, or sends a bearer token."""

    def __init__(self, token: str | None = None, origin: str | None = None) -> None:
        self.token = token
        self.origin = origin
        self.cookies = httpx.Cookies()
        self.last_response: httpx.Response | None = None

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.origin:
            headers["Origin"] = self.origin
        return headers

    def request(self, method: str, path: str = "/graphql", **kwargs: Any) -> httpx.Response:
        return async_to_sync(self._request)(method, path, **kwargs)

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        # As Django's test client does: keep the test's connection (and transaction) open.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            return await self._send(method, path, **kwargs)
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", cookies=self.cookies
        ) as client:
            headers = {**self.headers(), **kwargs.pop("headers", {})}
            response = await client.request(method, path, headers=headers, **kwargs)
            self.cookies.update(client.cookies)
        self.last_response = response
        return response

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run a document and return the whole JSON answer (data and errors)."""
        response = self.request("POST", json={"query": query, "variables": variables or {}})
        return response.json()

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run a document that must succeed and return its data."""
        answer = self.execute(query, variables)
        assert not answer.get("errors"), answer
        return answer["data"]
