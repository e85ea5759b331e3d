"""Read the ids clients send: Relay global ids ("Job:1", base64) or plain database ids."""

from __future__ import annotations

from typing import Any

from strawberry.relay import GlobalID


def decode_id(value: Any, type_name: str) -> int | None:
    """Return the database id in `value` if it names a `type_name`, else None."""
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    try:
        global_id = GlobalID.from_id(text)
    except Exception:  # any malformed id is simply "not found"
        return None
    if global_id.type_name != type_name or not global_id.node_id.isdigit():
        return None
    return int(global_id.node_id)
