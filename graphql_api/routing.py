"""ASGI routing of the GraphQL endpoint, for the standalone server and host projects."""

from __future__ import annotations

from typing import Any

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import re_path

GRAPHQL_PATH = r"^graphql/?$"


def websocket_urlpatterns(path: str = GRAPHQL_PATH) -> list[Any]:
    """Return the WebSocket route of /graphql, to merge into a host project's URLRouter."""
    from thx_cron_graphql.consumers import ThxGraphQLWSConsumer
    from thx_cron_graphql.schema import schema

    return [re_path(path, ThxGraphQLWSConsumer.as_asgi(schema=schema))]


def websocket_application(path: str = GRAPHQL_PATH) -> Any:
    """Return the WebSocket app: session auth, then the GraphQL consumer (which checks origins)."""
    return AuthMiddlewareStack(URLRouter(websocket_urlpatterns(path)))


def application(http_application: Any) -> ProtocolTypeRouter:
    """Return an ASGI app serving `http_application` and the GraphQL WebSocket on one port."""
    return ProtocolTypeRouter({"http": http_application, "websocket": websocket_application()})
