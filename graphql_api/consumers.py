"""The WebSocket endpoint: Strawberry's Channels consumer with bearer tokens in connection_init."""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from strawberry.channels import GraphQLWSConsumer
from strawberry.exceptions import ConnectionRejectionError

from thx_cron_graphql.auth import InvalidToken, user_for_authorization
from thx_cron_graphql.origins import cross_origin_allowed


class ThxGraphQLWSConsumer(GraphQLWSConsumer):
    """Subscriptions (and queries) over graphql-transport-ws and graphql-ws."""

    # No channel per connection: subscriptions read the process's event reader, so a layer
    # receive per socket (a Redis round trip each with channels-redis) would be pure overhead.
    channel_layer_alias = "thx_cron_graphql_no_layer"

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
            user = await sync_to_async(user_for_authorization)(header)
        except InvalidToken as exc:
            raise ConnectionRejectionError({"message": str(exc)}) from None
        if user is not None:
            self.scope["user"] = user  # replaces the session user for this connection
        return await super().on_ws_connect(context)
