"""The schema: every role's queries, mutations and subscriptions merged, with guards on.

Another area adds its operations with one entry in each tuple below.
"""

from __future__ import annotations

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.name_converter import NameConverter
from strawberry.tools import merge_types

from graphql_api.account import AccountMutations, AccountQueries
from graphql_api.limits import limit_extensions
from graphql_api.mutations import JobMutations
from graphql_api.notifications.mutations import NotificationMutations
from graphql_api.notifications.queries import NotificationQueries
from graphql_api.optimizer import QuerysetOptimizer
from graphql_api.queries import JobQueries
from graphql_api.subscriptions import JobSubscriptions


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


Query = merge_types("Query", (JobQueries, AccountQueries, NotificationQueries))
Mutation = merge_types("Mutation", (AccountMutations, JobMutations, NotificationMutations))
Subscription = merge_types("Subscription", (JobSubscriptions,))

schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    # Depth, alias and token limits against abusive documents (graphql_api/limits.py).
    extensions=[*limit_extensions(), QuerysetOptimizer],
    config=StrawberryConfig(name_converter=CachedNameConverter()),
)
