"""Which browser origins may call the API: same origin, or those in THX_CRON_ALLOWED_ORIGINS.

Requests without an Origin header come from scripts, not browsers, and are allowed (they still
need a session or token). "*" in the setting allows every origin.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from thx_cron.conf import thx_settings


def origin_allowed(origin: str | None, host: str | None) -> bool:
    """Tell whether a request from `origin` to `host` (the Host header) may proceed."""
    if not origin:
        return True
    allowed = [item.rstrip("/").lower() for item in thx_settings.ALLOWED_ORIGINS]
    origin = origin.rstrip("/").lower()
    if "*" in allowed or origin in allowed:
        return True
    return bool(host) and urlsplit(origin).netloc == (host or "").lower()


def cors_origin(origin: str | None) -> str | None:
    """Return the origin to echo in Access-Control-Allow-Origin for a listed cross origin."""
    if not origin:
        return None
    allowed = [item.rstrip("/").lower() for item in thx_settings.ALLOWED_ORIGINS]
    if "*" in allowed or origin.rstrip("/").lower() in allowed:
        return origin
    return None


class WebSocketOriginMiddleware:
    """Refuse WebSocket handshakes from origins that `origin_allowed` rejects."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket":
            headers = {key.decode("latin1"): value.decode("latin1") for key, value in
                       scope.get("headers", [])}
            if not origin_allowed(headers.get("origin"), headers.get("host")):
                await receive()  # the websocket.connect message
                await send({"type": "websocket.close", "code": 4403})
                return None
        return await self.app(scope, receive, send)
