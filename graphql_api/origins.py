"""Which browser origins may call the API: same origin, or those in THX_CRON_ALLOWED_ORIGINS.

Requests without an Origin header come from scripts, not browsers, and are allowed (they still
need a session or token). "*" in the setting allows every origin. WebSocket handshakes are checked
by Strawberry's consumer, which asks `cross_origin_allowed`; HTTP by the view, with the same rule.
"""

from __future__ import annotations

from strawberry.http.websocket_origin import is_same_origin, normalize_origin

from thx_cron.conf import thx_settings


def cross_origin_allowed(origin: str) -> bool:
    """Tell whether pages on `origin` (another origin than ours) may use the API."""
    allowed = {
        "*" if item == "*" else normalize_origin(item) for item in thx_settings.ALLOWED_ORIGINS
    }
    return "*" in allowed or (normalize_origin(origin) or "") in allowed


def origin_allowed(origin: str | None, host: str | None) -> bool:
    """Tell whether a request from `origin` to `host` (the Host header) may proceed."""
    if not origin:
        return True
    return is_same_origin(origin, host) or cross_origin_allowed(origin)


def cors_origin(origin: str | None) -> str | None:
    """Return the origin to echo in Access-Control-Allow-Origin for a listed cross origin."""
    return origin if origin and cross_origin_allowed(origin) else None
