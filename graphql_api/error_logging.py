"""How GraphQL errors are logged: a client's mistake at WARNING in one line, a fault at ERROR.

Strawberry logs every error at ERROR with its traceback; a typo in a query, an unknown id or a
missing login is the client's business and must not look like a server fault in the log.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from graphql import GraphQLError
from strawberry.relay import GlobalIDValueError

from thx_cron_graphql.subscriptions import SubscriptionError

logger = logging.getLogger("thx_cron.graphql")

# Raised for what a client sent or may not do; anything else is a fault of the server.
CLIENT_ERRORS: tuple[type[BaseException], ...] = (
    GraphQLError,
    ValidationError,
    PermissionDenied,
    ObjectDoesNotExist,
    SubscriptionError,
    GlobalIDValueError,
)


def is_client_error(error: GraphQLError) -> bool:
    """Return whether `error` comes from the request (bad document or input, not allowed)."""
    original = error.original_error
    # Strawberry refuses a malformed global id with GlobalIDValueError (a ValueError); any other
    # ValueError, ours or a library's, is a fault.
    return original is None or isinstance(original, CLIENT_ERRORS)


def log_error(error: GraphQLError, operation: str | None) -> None:
    """Log one GraphQL error at the level its cause deserves."""
    where = f" in operation {operation}" if operation else ""
    path = f" at {'.'.join(map(str, error.path))}" if error.path else ""
    if is_client_error(error):
        logger.warning("GraphQL client error%s%s: %s", where, path, error.message)
    else:
        original = error.original_error
        assert original is not None
        logger.error(
            "GraphQL error%s%s: %s",
            where,
            path,
            error.message,
            exc_info=(type(original), original, original.__traceback__),
        )
