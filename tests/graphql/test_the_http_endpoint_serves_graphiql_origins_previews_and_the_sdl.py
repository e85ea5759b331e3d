"""The HTTP endpoint: GraphiQL, abuse limits, origins and CORS, previews, actions, the SDL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.graphql.client import GraphQLClient
from thx_cron_graphql.management.commands.thx_cron_export_schema import DEFAULT_PATH, schema_sdl


def test_get_serves_graphiql() -> None:
    response = GraphQLClient().request("GET", headers={"Accept": "text/html"})
    assert response.status_code == 200 and "graphiql" in response.text.lower()


def test_deep_aliased_and_oversized_documents_are_refused(alice: Any) -> None:
    nesting = 8
    deep = (
        "{ jobs { edges { node { "
        + "lastRun { job { " * nesting
        + "name"
        + " } }" * nesting
        + " } } } }"
    )
    aliases = "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(40)) + " }"
    tokens = "{ me { " + " ".join(["id"] * 6000) + " } }"
    for document, words in (
        (deep, "exceeds maximum operation depth"),
        (aliases, "aliases"),
        (tokens, "token"),
    ):
        answer = alice.execute(document)
        assert answer.get("errors"), answer
        assert words in answer["errors"][0]["message"].lower(), answer


def test_cross_origin_requests_follow_the_allowed_origins_setting(
    settings: Any, alice: Any
) -> None:
    foreign = GraphQLClient(token=alice.token, origin="https://evil.example")
    response = foreign.request("POST", json={"query": "{ me { username } }"})
    assert response.status_code == 403 and "evil.example" in response.json()["errors"][0]["message"]
    same = GraphQLClient(token=alice.token, origin="http://testserver")
    assert same.data("{ me { username } }") == {"me": {"username": "alice"}}

    settings.THX_CRON_ALLOWED_ORIGINS = ["https://app.example"]
    listed = GraphQLClient(token=alice.token, origin="https://app.example")
    response = listed.request("POST", json={"query": "{ me { username } }"})
    assert response.json()["data"] == {"me": {"username": "alice"}}
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.example"
    preflight = listed.request("OPTIONS")
    assert preflight.status_code == 204
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]


def test_preview_schedule_lists_occurrences_in_the_zone_with_a_description(alice: Any) -> None:
    data = alice.data("""{ previewSchedule(schedule: {cron: "0 9 * * 1-5"},
        timezone: "Europe/Paris", count: 3, after: "2030-03-29T12:00:00+00:00") {
        ... on SchedulePreview { occurrences description } } }""")["previewSchedule"]
    # Friday 29 March 2030, then Monday 1 April (after the switch to summer time) and Tuesday.
    assert data["occurrences"] == [
        "2030-04-01T09:00:00+02:00",
        "2030-04-02T09:00:00+02:00",
        "2030-04-03T09:00:00+02:00",
    ]
    assert "09:00" in data["description"]


def test_actions_list_registered_actions_with_their_arguments(alice: Any) -> None:
    actions = alice.data("{ actions { name description arguments { name kind required } } }")
    echo = next(a for a in actions["actions"] if a["name"] == "demo.echo")
    assert echo["arguments"][0] == {"name": "message", "kind": "positional", "required": True}


def test_the_committed_schema_file_is_current() -> None:
    committed = Path(DEFAULT_PATH).read_text()
    assert committed == schema_sdl(), (
        "graphql_api/schema.graphql is stale: run `thx-cron export-schema` and commit it"
    )
