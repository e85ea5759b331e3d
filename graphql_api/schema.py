"""The schema: every role's queries, mutations and subscriptions merged, with guards on.

Another area adds its operations with one entry in each tuple below.
"""

from __future__ import annotations

import logging
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.name_converter import NameConverter
from strawberry.tools import merge_types

from thx_cron_graphql.account import AccountMutations, AccountQueries
from thx_cron_graphql.errors import is_client_error
from thx_cron_graphql.limits import limit_extensions
from thx_cron_graphql.mutations import JobMutations
from thx_cron_graphql.notifications.mutations import NotificationMutations
from thx_cron_graphql.notifications.queries import NotificationQueries
from thx_cron_graphql.optimizer import QuerysetOptimizer
from thx_cron_graphql.queries import JobQueries
from thx_cron_graphql.subscriptions import JobSubscriptions


class CachedNameConverter(NameConverter):
    """Camel-case each Python name once; strawberry converts argument names on every call."""

    def __init__(self) -> None:
        super().__init__()
        self._converted: dict[str, str] = {}

    def apply_naming_config(self, name: str) -> str:
        try:
            return self._converted[name]
        except KeyError:
            converted = self._converted[name] = super().apply_naming_config(name)
            return converted


logger = logging.getLogger("thx_cron_graphql")


class Schema(strawberry.Schema):
    """Log the client's errors as one warning line each; others with their traceback."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        unexpected = []
        for error in errors:
            if is_client_error(error):
                where = ".".join(map(str, error.path)) if error.path else "request"
                message = error.message if len(error.message) <= 300 else error.message[:300] + "…"
                logger.warning("GraphQL request refused (%s): %s", where, message)
            else:
                unexpected.append(error)
        super().process_errors(unexpected, execution_context)


Query = merge_types("Query", (JobQueries, AccountQueries, NotificationQueries))
Mutation = merge_types("Mutation", (AccountMutations, JobMutations, NotificationMutations))
Subscription = merge_types("Subscription", (JobSubscriptions,))

schema = Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    # Depth, alias and token limits against abusive documents (graphql_api/limits.py).
    extensions=[*limit_extensions(), QuerysetOptimizer],
    config=StrawberryConfig(name_converter=CachedNameConverter()),
)
