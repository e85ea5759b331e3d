"""Fixtures for the security tests: one real web server for the session, users with tokens,
receivers on loopback, and the package's default address policy."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from tests.graphql.client import GraphQLClient
from tests.notifications.conftest import make_rule, smtp, webhook  # noqa: F401
from tests.processes import free_port, sqlite_url, thx_process, wait_for
from tests.security.receiver import Receiver
from tests.security.server import Server
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


def _up(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/graphql", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="session")
def web_server(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A `thx-cron web` process on the test database, for every security test of the run."""
    with django_db_blocker.unblock():
        url = sqlite_url()
    port = free_port()
    log = Path(tmp_path_factory.mktemp("web")) / "web.log"
    with thx_process(["web", "--port", str(port)], url, log):
        wait_for(lambda: _up(port), timeout=60)
        yield Server(port, log)


@pytest.fixture
def server(web_server: Server, transactional_db: Any) -> Server:
    """The web server, with the test's rows committed where it can read them."""
    return web_server


@pytest.fixture
def alice_token(transactional_db: Any) -> str:
    user = get_user_model().objects.create_user("alice", password="alice-password")
    return ApiToken.issue(user, "security tests")[1]
