from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.graphql.client import GraphQLClient
from thx_cron_graphql.models import ApiToken


@pytest.fixture
def client_for() -> Callable[[Any], GraphQLClient]:
    """Return a client authenticated as `user` with a fresh API token (anonymous for None)."""

    def make(user: Any) -> GraphQLClient:
        if user is None:
            return GraphQLClient()
        _, secret = ApiToken.issue(user, "tests")
        return GraphQLClient(token=secret)

    return make


@pytest.fixture
def alice(user: Any, client_for: Callable[[Any], GraphQLClient]) -> GraphQLClient:
    return client_for(user)


@pytest.fixture
def bob(other_user: Any, client_for: Callable[[Any], GraphQLClient]) -> GraphQLClient:
    return client_for(other_user)
