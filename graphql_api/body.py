"""Read a GraphQL request body: UTF-8 JSON, one object, finite numbers, bounded nesting.

Each refusal is a `BadBody` whose message says what is wrong and where (a path such as
``variables.input.name``); the view answers it with HTTP 400.
"""

from __future__ import annotations

import json
from typing import Any

MAX_NESTING = 64
MAX_NUMBER_LENGTH = 64  # characters of one JSON number (Python refuses ints over 4,300 digits)
_KEYS = {"query": str, "operationName": str, "variables": dict, "extensions": dict}


class BadBody(ValueError):
    """The body is not a GraphQL request this server reads."""


def body_problem(data: bytes) -> str | None:
    """Say why raw body bytes cannot be read as text (they are not UTF-8), if they cannot."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"The request body is not UTF-8 (byte {exc.start})."
    return None


def read_body(data: str | bytes) -> dict[str, Any]:
    """Return the request object in `data`, or raise BadBody saying what is wrong."""
    if isinstance(data, bytes):
        problem = body_problem(data)
        if problem:
            raise BadBody(problem)
    try:
        value = json.loads(data, parse_constant=_no_constant, parse_int=_int, parse_float=_float)
    except RecursionError:
        raise BadBody(f"The request body is nested more than {MAX_NESTING} levels deep.") from None
    except json.JSONDecodeError as exc:
        raise BadBody(f"The request body is not JSON: {exc.msg} at character {exc.pos}.") from None
    if not isinstance(value, dict):
        raise BadBody(
            "The request body must be a JSON object with a query (and optionally variables, "
            f"operationName, extensions), not {_kind(value)}."
        )
    for key, expected in _KEYS.items():
        if value.get(key) is not None and not isinstance(value[key], expected):
            raise BadBody(f"{key} must be {_KINDS[expected]} or null, not {_kind(value[key])}.")
    check_strings_and_nesting(value)
    return value


def _no_constant(name: str) -> Any:
    raise BadBody(f"{name} is not a JSON number; numbers must be finite.")


def _int(text: str) -> int:
    if len(text) > MAX_NUMBER_LENGTH:
        raise BadBody(f"A number has {len(text):,} digits; at most {MAX_NUMBER_LENGTH} are read.")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_LENGTH:
        raise BadBody(f"A number has {len(text):,} characters; at most {MAX_NUMBER_LENGTH}.")
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise BadBody(f"The number {text[:20]} is too large; numbers must be finite.")
    return number


def check_strings_and_nesting(value: Any) -> None:
    """Raise BadBody for a lone surrogate in any string, or nesting beyond MAX_NESTING."""
    pending: list[tuple[Any, tuple[str, ...]]] = [(value, ())]
    while pending:
        item, path = pending.pop()
        if len(path) > MAX_NESTING:
            raise BadBody(f"{_path(path[:3])}… is nested more than {MAX_NESTING} levels deep.")
        if isinstance(item, str):
            if not _is_text(item):
                raise BadBody(f"{_path(path)} contains a lone surrogate (not Unicode text).")
        elif isinstance(item, dict):
            for key, inner in item.items():
                if not _is_text(key):
                    raise BadBody(f"A key in {_path(path)} contains a lone surrogate.")
                pending.append((inner, (*path, key)))
        elif isinstance(item, list):
            pending.extend((inner, (*path, str(index))) for index, inner in enumerate(item))


def _is_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _path(path: tuple[str, ...]) -> str:
    return ".".join(path) or "The body"


_KINDS = {str: "a string", dict: "an object"}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)
