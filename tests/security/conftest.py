from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.security.receiver import Receiver

# Addresses that must be refused before any connection: all internal, none leaves the machine.
INTERNAL_HOSTS = ["127.0.0.1", "localhost", "2130706433", "[::1]", "169.254.169.254"]


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
