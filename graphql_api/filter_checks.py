"""Check the values of a list's filters before the database sees them.

Left to the database, an id of 30 digits, ``regex: "("`` or ``year: {gt: 2147483647}`` end as an
exception's text ("year 2147483647 is out of range"); here each is an `InvalidArgument` naming
the filter (``filters.nextRunAt.year.gt``). Ids may be global ids (``Job:1`` in base64, as the
``id`` fields give them) or database ids; they are replaced by the database id.
"""

from __future__ import annotations

import re
from typing import Any

from strawberry import UNSET

from thx_cron_graphql.errors import InvalidArgument
from thx_cron_graphql.ids import decode_id

MAX_FILTER_TEXT = 1000
MAX_PATTERN = 200
# The values each part of a date may take (Django's year, month, ... lookups).
DATE_PARTS = {
    "year": (1, 9999),
    "iso_year": (1, 9999),
    "quarter": (1, 4),
    "month": (1, 12),
    "week": (1, 53),
    "day": (1, 31),
    "week_day": (1, 7),
    "iso_week_day": (1, 7),
    "hour": (0, 23),
    "minute": (0, 59),
    "second": (0, 59),
}
_PATTERNS = ("regex", "i_regex")
# A quantified group that itself holds a quantifier, such as (a+)+: exponential on SQLite,
# whose REGEXP is Python's backtracking re.
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]")


def check_filters(filters: Any, node_type: str) -> None:
    """Raise InvalidArgument for the first bad value in `filters` (of a `node_type` list)."""
    pending: list[tuple[Any, tuple[str, ...]]] = [(filters, ("filters",))]
    while pending:
        value, path = pending.pop()
        definition = getattr(value, "__strawberry_definition__", None)
        if definition is None or not hasattr(definition, "fields"):
            continue  # a leaf: an enum member has a definition but no fields
        for field in definition.fields:
            inner = getattr(value, field.python_name, UNSET)
            if inner is UNSET or inner is None:
                continue
            where = (*path, field.python_name)
            if path[-1] == "id":  # the lookups of an id filter: exact, in_list
                setattr(value, field.python_name, _ids(inner, where, node_type))
                continue
            if hasattr(inner, "__strawberry_definition__"):
                pending.append((inner, where))
            elif isinstance(inner, list):
                for item in inner:
                    if hasattr(item, "__strawberry_definition__"):
                        pending.append((item, where))
                    else:
                        _check_value(item, where)
            else:
                _check_value(inner, where)


def _name(path: tuple[str, ...]) -> str:
    from strawberry.utils.str_converters import to_camel_case

    return ".".join(part if part.isupper() else to_camel_case(part) for part in path)


def _ids(value: Any, path: tuple[str, ...], node_type: str) -> Any:
    if isinstance(value, list):
        return [_ids(item, path, node_type) for item in value]
    if isinstance(value, bool) or not isinstance(value, str):
        return value
    pk = decode_id(value, node_type)
    if pk is None:
        raise InvalidArgument(_name(path), f"{value[:40]!r} is not the id of a {node_type}.")
    return str(pk)


def _check_value(value: Any, path: tuple[str, ...]) -> None:
    lookup = path[-1]
    part = path[-2] if len(path) > 2 else ""
    if isinstance(value, int) and not isinstance(value, bool) and part in DATE_PARTS:
        low, high = DATE_PARTS[part]
        if not low <= value <= high:
            raise InvalidArgument(_name(path), f"A {part} is between {low} and {high}.")
    if isinstance(value, str):
        if len(value) > MAX_FILTER_TEXT:
            raise InvalidArgument(_name(path), f"At most {MAX_FILTER_TEXT} characters.")
        if "\x00" in value:
            raise InvalidArgument(_name(path), "Contains a NUL character.")
        if lookup in _PATTERNS:
            _check_pattern(value, path)


def _check_pattern(pattern: str, path: tuple[str, ...]) -> None:
    if len(pattern) > MAX_PATTERN:
        raise InvalidArgument(_name(path), f"A pattern has at most {MAX_PATTERN} characters.")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise InvalidArgument(_name(path), f"Not a regular expression: {exc}.") from None
    if _NESTED_QUANTIFIER.search(pattern):
        raise InvalidArgument(
            _name(path), "A repeated group may not hold a repetition itself, such as (a+)+."
        )
