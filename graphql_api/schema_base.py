"""Strawberry's schema as thx-cron runs it: errors logged by kind, subscriptions on WebSocket."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from thx_cron_graphql.error_logging import log_error

WEBSOCKET_ONLY = (
    "Subscriptions need the WebSocket endpoint: connect to /graphql with the "
    "graphql-transport-ws protocol (graphql-ws's createClient) instead of sending an HTTP request."
)


class SubscriptionOverHttp(InvalidOperationTypeError):
    """A subscription sent as an HTTP request; strawberry's views answer 400 with this reason."""

    def __init__(self) -> None:
        super().__init__(OperationType.SUBSCRIPTION)

    def as_http_error_reason(self, method: str) -> str:
        return WEBSOCKET_ONLY


@contextmanager
def _subscriptions_refused() -> Iterator[None]:
    """Turn strawberry's refusal of a subscription into SubscriptionOverHttp's clearer reason."""
    try:
        yield
    except InvalidOperationTypeError as exc:
        if exc.operation_type is OperationType.SUBSCRIPTION:
            raise SubscriptionOverHttp() from None
        raise


def _without_subscriptions(
    allowed: Iterable[OperationType] | None,
) -> tuple[OperationType, ...]:
    return tuple(
        kind
        for kind in (allowed or (OperationType.QUERY, OperationType.MUTATION))
        if kind is not OperationType.SUBSCRIPTION
    )


class Schema(strawberry.Schema):
    """Strawberry's schema, logging errors by kind and refusing subscriptions over HTTP."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        operation = execution_context.operation_name if execution_context else None
        for error in errors:
            log_error(error, operation)

    # `execute` and `execute_sync` serve HTTP; subscriptions go through `subscribe` (WebSocket).
    # Strawberry's views compute the allowed operation types inline and have no hook for it, so
    # both are wrapped; errors are logged through `process_errors`, strawberry's public hook.
    def execute_sync(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        with _subscriptions_refused():
            return super().execute_sync(
                query,
                variable_values,
                context_value,
                root_value,
                operation_name,
                _without_subscriptions(allowed_operation_types),
                operation_extensions,
            )

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        with _subscriptions_refused():
            return await super().execute(
                query,
                variable_values,
                context_value,
                root_value,
                operation_name,
                _without_subscriptions(allowed_operation_types),
                operation_extensions,
            )
