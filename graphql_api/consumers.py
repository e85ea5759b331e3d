"""The WebSocket endpoint: Strawberry's Channels consumer with bearer tokens in connection_init."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from strawberry.channels import GraphQLWSConsumer
from strawberry.exceptions import ConnectionRejectionError

from thx_cron_graphql import token_watch
from thx_cron_graphql.auth import InvalidToken, token_for_authorization
from thx_cron_graphql.origins import cross_origin_allowed

# The close code of a connection whose token stopped being valid (as for a rejected init).
TOKEN_ENDED = 4403


class ThxGraphQLWSConsumer(GraphQLWSConsumer):
    """Subscriptions (and queries) over graphql-transport-ws and graphql-ws."""

    # No channel per connection: subscriptions read the process's event reader, so a layer
    # receive per socket (a Redis round trip each with channels-redis) would be pure overhead.
    channel_layer_alias = "thx_cron_graphql_no_layer"
    # The API token this connection authenticated with, watched while it is open.
    _watched_token: int | None = None

    def is_websocket_origin_allowed(self, request: Any, origin: str) -> bool:
        # Strawberry admits scripts (no Origin) and same-origin pages; others must be listed.
        return cross_origin_allowed(origin)

    async def on_ws_connect(self, context: Any) -> Any:
        params = context.get("connection_params") if isinstance(context, dict) else None
        header = None
        if isinstance(params, dict):
            header = params.get("Authorization") or params.get("authorization")
        if header is not None and not isinstance(header, str):
            raise ConnectionRejectionError({"message": "Authorization must be a string."})
        try:
            token = await sync_to_async(token_for_authorization)(header)
        except InvalidToken as exc:
            raise ConnectionRejectionError({"message": str(exc)}) from None
        if token is not None:
            self.scope["user"] = token.user  # replaces the session user for this connection
            if self._watched_token is None:
                self._watched_token = token.pk
                token_watch.for_this_loop().add(token.pk, self._token_ended)
        return await super().on_ws_connect(context)

    async def _token_ended(self) -> None:
        """Close this connection: its token was revoked or expired."""
        self._watched_token = None
        await self.close(code=TOKEN_ENDED, reason="API token revoked or expired")
        # Strawberry's handler then ends every operation of this connection.
        self.message_queue.put_nowait({"message": None, "disconnected": True})

    async def disconnect(self, code: int) -> None:
        token_id = self._watched_token
        if token_id is not None:
            self._watched_token = None
            token_watch.for_this_loop().discard(token_id, self._token_ended)
        await super().disconnect(code)
