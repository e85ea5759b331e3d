"""Bounds on rendering a notification template: text size, work and time.

A template library loaded after Django's built-ins: every built-in filter is wrapped so that a
result longer than LIMIT is refused, the filters and tags that can build a large text from a
small template (`ljust`, `center`, `stringformat`, `add`, `join`, `lorem`, ...) are refused
before they build it, and `{% debug %}` is not available. `BoundedContext` counts variable
lookups and assignments (every loop iteration makes one) and stops a render that does too much
work or runs too long.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from typing import Any

from django import template
from django.template import Context, defaultfilters, defaulttags
from django.template.base import Parser, Token

# The longest text (a value, a filter's result) a template may build while rendering.
LIMIT = 20_000
# Variable lookups and assignments one render may make, and the time it may take.
MAX_STEPS = 50_000
MAX_SECONDS = 1.0
# The largest `{% lorem %}` count (words; paragraphs count for 100 words).
MAX_LOREM_WORDS = 2_000

register = template.Library()


class RenderLimitExceeded(Exception):
    """Rendering would build too long a text, or take too much work or time."""


def _refuse_long(value: Any, what: str) -> Any:
    if isinstance(value, str | list | tuple) and len(value) > LIMIT:
        raise RenderLimitExceeded(f"{what} would be longer than {LIMIT} characters")
    return value


def _number(arg: Any) -> int:
    try:
        return abs(int(arg))
    except (TypeError, ValueError, OverflowError):
        return 0


def _wrap(name: str, function: Callable[..., Any], check: Callable[..., None] | None) -> None:
    @functools.wraps(function)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        if check is not None:
            check(*args)
        return _refuse_long(function(*args, **kwargs), f"the filter {name!r}")

    flags = {
        flag: getattr(function, flag)
        for flag in ("is_safe", "needs_autoescape", "expects_localtime")
        if hasattr(function, flag)
    }
    register.filter(name, bounded, **flags)


def _width(value: Any, arg: Any = None) -> None:
    if _number(arg) > LIMIT:
        raise RenderLimitExceeded(f"a width of {arg} is more than {LIMIT}")


def _format(value: Any, arg: Any = None) -> None:
    for digits in re.findall(r"\d+", str(arg)):
        if len(digits) > 5 or int(digits) > LIMIT:
            raise RenderLimitExceeded(f"the format {arg!r} is wider than {LIMIT}")


def _precision(value: Any, arg: Any = -1) -> None:
    if _number(re.sub(r"[^\d-]", "", str(arg)) or 0) > 100:
        raise RenderLimitExceeded(f"a precision of {arg} is more than 100 digits")


def _sum(value: Any, arg: Any = None) -> None:
    if isinstance(value, str | list | tuple) and isinstance(arg, str | list | tuple):
        if len(value) + len(arg) > LIMIT:
            raise RenderLimitExceeded(f"adding would make more than {LIMIT} characters")


def _join(value: Any, arg: Any = "") -> None:
    if isinstance(value, list | tuple) and len(value) * len(str(arg)) > LIMIT:
        raise RenderLimitExceeded(f"joining would make more than {LIMIT} characters")


_CHECKS: dict[str, Callable[..., None]] = {
    "ljust": _width,
    "rjust": _width,
    "center": _width,
    "stringformat": _format,
    "floatformat": _precision,
    "add": _sum,
    "join": _join,
}
for _name, _function in defaultfilters.register.filters.items():
    _wrap(_name, _function, _CHECKS.get(_name))


class BoundedLoremNode(defaulttags.LoremNode):
    def render(self, context: Context) -> str:
        count = _number(self.count.resolve(context))
        words = count if self.method == "w" else count * 100
        if words > MAX_LOREM_WORDS:
            raise RenderLimitExceeded(f"lorem text of more than {MAX_LOREM_WORDS} words")
        return str(super().render(context))


@register.tag
def lorem(parser: Parser, token: Token) -> BoundedLoremNode:
    node = defaulttags.lorem(parser, token)
    return BoundedLoremNode(node.count, node.method, node.common)


@register.tag
def debug(parser: Parser, token: Token) -> template.Node:
    raise template.TemplateSyntaxError("{% debug %} is not available in notification templates")


class BoundedContext(Context):
    """A template context that refuses too long values and too much work or time."""

    def __init__(self, values: dict[str, Any]) -> None:
        super().__init__(values)
        self.steps = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def _step(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise RenderLimitExceeded(f"rendering takes more than {MAX_STEPS} steps")
        if self.steps % 256 == 0 and time.monotonic() > self.deadline:
            raise RenderLimitExceeded(f"rendering takes longer than {MAX_SECONDS:g} s")

    def __getitem__(self, key: Any) -> Any:
        self._step()
        return super().__getitem__(key)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._step()
        super().__setitem__(key, _refuse_long(value, f"the value of {key!r}"))

    def push(self, *args: Any, **kwargs: Any) -> Any:
        self._step()
        for key, value in kwargs.items():
            _refuse_long(value, f"the value of {key!r}")
        return super().push(*args, **kwargs)

    def update(self, other_dict: Any) -> Any:
        self._step()
        for key, value in dict(other_dict).items():
            _refuse_long(value, f"the value of {key!r}")
        return super().update(other_dict)
