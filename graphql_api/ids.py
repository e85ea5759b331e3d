"""Read the ids clients send: Relay global ids ("Job:1", base64) or plain database ids."""

from __future__ import annotations

from typing import Any

from strawberry.relay import GlobalID

# The largest primary key a 64-bit column holds.
MAX_ID = 2**63 - 1


def database_id(text: str) -> int | None:
    """Return `text` as an id if it is one (ASCII digits, 0 to MAX_ID), else None."""
    # str.isdigit() accepts "²" and other digits that int() refuses; the length bounds int().
    if not (0 < len(text) <= 19 and text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= MAX_ID else None


def decode_id(value: Any, type_name: str) -> int | None:
    """Return the database id in `value` if it names a `type_name`, else None."""
    text = str(value).strip()
    if text.isascii() and text.isdigit():
        return database_id(text)
    if len(text) > 200:  # no global id of ours is this long
        return None
    try:
        global_id = GlobalID.from_id(text)
    except Exception:  # any malformed id is simply "not found"
        return None
    if global_id.type_name != type_name:
        return None
    return database_id(global_id.node_id)
