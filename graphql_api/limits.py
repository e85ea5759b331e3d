"""Limits against abusive documents, and the caches that keep them from costing every request.

The depth, alias and expanded-size limits are one validation rule (thx_cron_graphql.cost), which
measures each fragment once: strawberry's depth and alias limiters expand every fragment spread
where it occurs, so a small document of nested spreads made them (and strawberry's
``Info.selected_fields``) run for minutes. The rule class is built once, so that the validation
cache, keyed by the rules, hits; a short document seen before is neither parsed nor validated
again. The token limit is a parser option and is part of the parse cache's
key. Only short documents are cached: a parsed document takes ~200 bytes per character, so the
cache holds at most CACHED_DOCUMENTS x MAX_CACHED_LENGTH x 200 bytes (~40 MB) whatever is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from graphql import ASTValidationRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.extensions.base_extension import SchemaExtension

from thx_cron_graphql.cost import Limits, cost_rule

# Generous for real clients (GraphiQL's introspection included).
MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 5000
# Fields selected once every fragment spread is replaced by its fragment (GraphiQL's
# introspection query selects about 150, a page of jobs with their runs about 60).
MAX_FIELDS = 1000
# Distinct documents kept parsed and validated, and the longest one kept (in characters).
CACHED_DOCUMENTS = 100
MAX_CACHED_LENGTH = 2000

LIMITS = Limits(max_depth=MAX_DEPTH, max_aliases=MAX_ALIASES, max_fields=MAX_FIELDS)
_RULES: list[type[ASTValidationRule]] = [cost_rule(LIMITS)]


class DocumentLimits(AddValidationRules):
    """Refuse documents deeper than MAX_DEPTH, with more than MAX_ALIASES aliases, or selecting
    more than MAX_FIELDS fields once expanded."""

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
        DocumentLimits,
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ShortDocumentParserCache(maxsize=CACHED_DOCUMENTS),
        lambda: ShortDocumentValidationCache(maxsize=CACHED_DOCUMENTS),
    ]
