"""The bounds of every text and list a user gives, in one place, and the checks that apply them.

Models call these in their validation (so the admin, the Python API and GraphQL report the same
field-named message); the GraphQL API refuses larger documents before they get here. Pure: no
ORM, no settings. Each check returns a message, or None when the value is within bounds.
"""

from __future__ import annotations

import json
import math
from typing import Any

# Jobs
MAX_NAME = 200  # also the column's max_length
MAX_DESCRIPTION = 10_000
MAX_TAGS = 20
MAX_TAG = 100
MAX_ARGUMENTS_SIZE = 16_000  # characters of args and of kwargs, as JSON
MAX_ARGUMENTS_DEPTH = 10  # levels of lists and objects, the outer list or object included
MAX_INTEGER = 2**63 - 1
# Notification rules
MAX_URLS = 20
MAX_URL = 2_000
MAX_EVENTS = 20
MAX_TEMPLATE = 10_000


def text_problem(value: Any, max_length: int) -> str | None:
    """Say what is wrong with `value` as a text of at most `max_length` characters."""
    if not isinstance(value, str):
        return f"Must be a text, not {type(value).__name__}."
    if len(value) > max_length:
        return f"At most {max_length:,} characters (this has {len(value):,})."
    return character_problem(value)


def character_problem(value: str) -> str | None:
    """Say why `value` cannot be stored as text: a NUL character or a lone surrogate."""
    if "\x00" in value:
        return "Contains a NUL character (\\x00)."
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"Contains a lone surrogate at position {exc.start} (not Unicode text)."
    return None


def texts_problem(values: Any, max_count: int, max_length: int, what: str) -> str | None:
    """Say what is wrong with `values` as a list of at most `max_count` non-empty texts."""
    if not isinstance(values, list):
        return f"Must be a list of {what}s."
    if len(values) > max_count:
        return f"At most {max_count} {what}s (this has {len(values):,})."
    for index, value in enumerate(values, start=1):
        if isinstance(value, str) and not value.strip():
            return f"{_upper_first(what)} {index} is empty; {what}s must be non-empty texts."
        problem = text_problem(value, max_length)
        if problem:
            return f"{_upper_first(what)} {index}: {problem}"
    return None


def json_problem(value: Any, max_size: int, max_depth: int) -> str | None:
    """Say what is wrong with `value` as JSON of at most `max_size` characters and `max_depth`
    levels: finite numbers only, and texts that can be stored."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, (list, dict)):
            if depth > max_depth:
                return f"Nested more than {max_depth} levels deep."
            if isinstance(item, dict):
                for key in item:
                    problem = character_problem(key) if isinstance(key, str) else None
                    if problem:
                        return f"A key: {problem}"
                children: Any = item.values()
            else:
                children = item
            pending.extend((child, depth + 1) for child in children)
        elif isinstance(item, int) and not isinstance(item, bool) and abs(item) > MAX_INTEGER:
            return f"Integers must fit in 64 bits (one has {len(str(abs(item))[:30])}+ digits)."
        elif isinstance(item, float) and not math.isfinite(item):
            return f"Numbers must be finite ({item} is not JSON)."
        elif isinstance(item, str):
            problem = character_problem(item)
            if problem:
                return problem
        elif not (item is None or isinstance(item, (bool, int, float))):
            return f"{type(item).__name__} is not a JSON value."
    size = len(json.dumps(value))
    if size > max_size:
        return f"At most {max_size:,} characters as JSON (this has {size:,})."
    return None


def shown(value: object) -> str:
    """Return `value` as a message quotes it: null, true and false as JSON says them (never
    Python's None), lists and objects as JSON, anything else as its repr."""
    if value is None or isinstance(value, bool | list | dict):
        try:
            return json.dumps(value)[:200]
        except (TypeError, ValueError):
            pass
    return repr(value)[:200]


def _upper_first(word: str) -> str:
    return word[:1].upper() + word[1:]
