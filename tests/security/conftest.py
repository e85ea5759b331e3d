from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import override_settings

from tests.graphql.client import GraphQLClient
from tests.notifications.conftest import make_rule, smtp, webhook  # noqa: F401
from tests.security.receiver import Receiver
from thx_cron_graphql.models import ApiToken

# Addresses that must be refused before any connection: all internal, none leaves the machine.
INTERNAL_HOSTS = ["127.0.0.1", "localhost", "2130706433", "[::1]", "169.254.169.254"]
# The package's default policy (the suite's settings allow loopback for its receivers).
DEFAULT_POLICY = override_settings(
    THX_CRON_OUTBOUND_ALLOWED_HOSTS=[], THX_CRON_OUTBOUND_ALLOWED_NETWORKS=[]
)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    peer = Receiver()
    yield peer
    peer.stop()


@pytest.fixture
def second_receiver() -> Iterator[Receiver]:
    peer = Receiver()
    yield peer
    peer.stop()


@pytest.fixture
def client_for() -> Callable[[Any], GraphQLClient]:
    def make(user: Any) -> GraphQLClient:
        _, secret = ApiToken.issue(user, "tests")
        return GraphQLClient(token=secret)

    return make
