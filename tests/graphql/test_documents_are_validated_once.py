"""A short document is parsed and validated once; refused documents stay refused."""

from __future__ import annotations

import uuid
from typing import Any
from unittest import mock

import strawberry.schema.schema

from thx_cron_graphql.limits import MAX_CACHED_LENGTH


def validations_of(client: Any, document: str, times: int = 2) -> int:
    with mock.patch.object(
        strawberry.schema.schema, "validate", wraps=strawberry.schema.schema.validate
    ) as validate:
        for _ in range(times):
            assert client.data(document) == {"me": {"username": "alice"}}
    return validate.call_count


def test_a_short_document_sent_twice_is_validated_once(alice: Any) -> None:
    document = "{ me { username } } # " + uuid.uuid4().hex
    assert validations_of(alice, document) == 1


def test_a_long_document_is_validated_on_every_request(alice: Any) -> None:
    document = "{ me { username } } # " + uuid.uuid4().hex + " " * MAX_CACHED_LENGTH
    assert validations_of(alice, document) == 2


def test_a_refused_document_is_refused_each_time_it_is_sent(alice: Any) -> None:
    deep = "{ jobs { edges { node { " + "lastRun { job { " * 8 + "name" + " } }" * 8 + " } } } }"
    aliases = "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(40)) + " }"
    for document in (deep, aliases):
        first, second = alice.execute(document), alice.execute(document)
        assert first.get("errors") and first == second, (first, second)
