from __future__ import annotations

from tests.graphql.conftest import alice, client_for

__all__ = ["alice", "client_for"]
