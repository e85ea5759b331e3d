"""Limits against abusive documents, and the caches that keep them from costing every request.

The depth and alias limits are validation rules. Strawberry's limiter extensions build a new rule
class each time they are instantiated (once per request), so a validation cache keyed by the rules
never hit; here the rule classes are built once, and a short document seen before is neither
parsed nor validated again. The token limit is a parser option and is part of the parse cache's
key. Only short documents are cached: a parsed document takes ~200 bytes per character, so the
cache holds at most CACHED_DOCUMENTS x MAX_CACHED_LENGTH x 200 bytes (~40 MB) whatever is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.extensions.base_extension import SchemaExtension

# Generous for real clients (GraphiQL's introspection included).
MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 5000
# Distinct documents kept parsed and validated, and the longest one kept (in characters).
CACHED_DOCUMENTS = 100
MAX_CACHED_LENGTH = 2000

_RULES = [
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
]


class DepthAndAliasLimits(AddValidationRules):
    """Refuse documents deeper than MAX_DEPTH or with more than MAX_ALIASES aliases."""

    def __init__(self) -> None:
        super().__init__(_RULES)


def _short(query: str | None) -> bool:
    return query is not None and len(query) <= MAX_CACHED_LENGTH


class ShortDocumentParserCache(ParserCache):
    """Parse each short document once; parse longer ones on every request."""

    def on_parse(self) -> Iterator[None]:
        if _short(self.execution_context.query):
            yield from super().on_parse()
        else:
            yield


class ShortDocumentValidationCache(ValidationCache):
    """Validate each short document once; validate longer ones on every request."""

    def on_validate(self) -> Iterator[None]:
        if _short(self.execution_context.query):
            yield from super().on_validate()
        else:
            yield


def limit_extensions() -> list[type[SchemaExtension] | Callable[[], SchemaExtension]]:
    """Return the schema extensions that enforce the limits, with parse and validation caches."""
    return [
        DepthAndAliasLimits,
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ShortDocumentParserCache(maxsize=CACHED_DOCUMENTS),
        lambda: ShortDocumentValidationCache(maxsize=CACHED_DOCUMENTS),
    ]
