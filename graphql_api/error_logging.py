"""How GraphQL errors are logged: a client's mistake at WARNING in one line, a fault at ERROR.

Strawberry logs every error at ERROR with its traceback; a typo in a query, an unknown id or a
missing login is the client's business and must not look like a server fault in the log.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from graphql import GraphQLError

from thx_cron_graphql.subscriptions import SubscriptionError

logger = logging.getLogger("thx_cron.graphql")

# Raised for what a client sent or may not do; anything else is a fault of the server.
CLIENT_ERRORS: tuple[type[BaseException], ...] = (
    GraphQLError,
    ValidationError,
    PermissionDenied,
    ObjectDoesNotExist,
    SubscriptionError,
)


def is_client_error(error: GraphQLError) -> bool:
    """Return whether `error` comes from the request (bad document or input, not allowed)."""
    original = error.original_error
    if original is None or isinstance(original, CLIENT_ERRORS):
        return True
    # Strawberry reports bad arguments (a page size over the limit, a malformed global id) as
    # ValueError; a ValueError raised in our own code stays a fault.
    return isinstance(original, ValueError) and _raised_in(original, ("strawberry", *ARGUMENTS))


# Our modules that check arguments the way strawberry does (with ValueError).
ARGUMENTS = ("thx_cron_graphql.connections",)


def _raised_in(exc: BaseException, modules: tuple[str, ...]) -> bool:
    trace = exc.__traceback__
    if trace is None:
        return False
    while trace.tb_next is not None:
        trace = trace.tb_next
    name = str(trace.tb_frame.f_globals.get("__name__", ""))
    return name.split(".")[0] in modules or name in modules


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
