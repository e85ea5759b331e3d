"""Limits against abusive documents, and the caches that keep them from costing every request.

The depth and alias limits are validation rules. Strawberry's limiter extensions build a new rule
class each time they are instantiated (once per request), so a validation cache keyed by the rules
never hit; here the rule classes are built once, and a document seen before is neither parsed nor
validated again. The token limit is a parser option and is part of the parse cache's key.
"""

from __future__ import annotations

from collections.abc import Callable

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
# Distinct documents kept parsed and validated; clients send a handful, abusers cannot grow it.
CACHED_DOCUMENTS = 256

_RULES = [
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
]


class DepthAndAliasLimits(AddValidationRules):
    """Refuse documents deeper than MAX_DEPTH or with more than MAX_ALIASES aliases."""

    def __init__(self) -> None:
        super().__init__(_RULES)


def limit_extensions() -> list[type[SchemaExtension] | Callable[[], SchemaExtension]]:
    """Return the schema extensions that enforce the limits, with parse and validation caches."""
    return [
        DepthAndAliasLimits,
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=CACHED_DOCUMENTS),
        lambda: ValidationCache(maxsize=CACHED_DOCUMENTS),
    ]
