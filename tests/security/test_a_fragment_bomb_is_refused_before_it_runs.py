"""A small document whose fragments expand to 2^24 fields is refused at once, over HTTP and
WebSocket, for anonymous and logged-in callers alike, and the server stays responsive."""

from __future__ import annotations

import pytest

from tests.security.documents import SUBSCRIPTION_BOMB, fragment_bomb
from tests.security.server import Server

pytestmark = pytest.mark.slow

REFUSAL = "fields once its fragments are expanded"


def test_the_bomb_is_about_a_kilobyte_and_passes_the_depth_alias_and_token_limits() -> None:
    document = fragment_bomb()
    assert len(document) < 1200
    assert document.count("...") == 49 and ":" not in document


@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged-in"])
def test_a_fragment_bomb_over_http_is_refused_with_a_clear_error(
    server: Server, alice_token: str, logged_in: bool
) -> None:
    offset = server.log_size()
    answer = server.execute(fragment_bomb(), token=alice_token if logged_in else None)
    assert answer.get("data") is None, answer
    assert REFUSAL in answer["errors"][0]["message"], answer
    assert "1,000" in answer["errors"][0]["message"], answer
    # Still serving: the refusal cost nothing that lingers.
    assert server.execute("{ __typename }") == {"data": {"__typename": "Query"}}
    assert "Traceback" not in server.log_since(offset)


@pytest.mark.parametrize(
    "document", [fragment_bomb(), SUBSCRIPTION_BOMB], ids=["query", "subscription"]
)
def test_a_fragment_bomb_over_websocket_is_refused_with_a_clear_error(
    server: Server, alice_token: str, document: str
) -> None:
    messages = server.over_websocket(document, token=alice_token)
    assert messages[-1]["type"] == "error", messages
    assert REFUSAL in messages[-1]["payload"][0]["message"], messages
    assert server.execute("{ __typename }") == {"data": {"__typename": "Query"}}


def test_an_anonymous_websocket_bomb_is_refused_by_the_limits_not_by_a_login_check(
    server: Server,
) -> None:
    messages = server.over_websocket(SUBSCRIPTION_BOMB)
    assert messages[-1]["type"] == "error", messages
    assert REFUSAL in messages[-1]["payload"][0]["message"], messages


def test_an_ordinary_page_with_fragments_and_nested_runs_is_served(
    server: Server, alice_token: str
) -> None:
    create = """mutation { createJob(input: {name: "ordinary", action: "demo.echo", args: ["x"],
        schedule: {cron: "0 0 1 1 *"}}) { ... on Job { id } } }"""
    assert server.execute(create, token=alice_token)["data"]["createJob"]["id"]
    document = """
    fragment Run on JobLog { id status }
    fragment Row on Job {
      id name lastRun { ...Run } runs(first: 5) { totalCount edges { node { ...Run } } }
    }
    query Page {
      jobs(first: 100) { totalCount edges { cursor node { ...Row ...Row } } pageInfo { endCursor } }
    }
    """
    data = server.execute(document, token=alice_token)
    assert "errors" not in data, data
    jobs = data["data"]["jobs"]
    assert jobs["totalCount"] == 1
    assert jobs["edges"][0]["node"]["name"] == "ordinary"
    assert jobs["edges"][0]["node"]["runs"] == {"totalCount": 0, "edges": []}
