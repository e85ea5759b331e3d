"""Bodies that are not one GraphQL request in UTF-8 JSON are HTTP 400 with a reason, logged as a
warning without a traceback; nothing is written."""

from __future__ import annotations

import json

import pytest

from tests.security.server import Server, assert_clean_log
from thx_cron.models import Job

pytestmark = pytest.mark.slow

CREATE = {
    "query": 'mutation { createJob(input: {name: "x", action: "demo.echo", args: ["x"], '
    'schedule: {cron: "0 0 1 1 *"}}) { __typename } }'
}


def _with(variables: str) -> str:
    return json.dumps(CREATE)[:-1] + f', "variables": {variables}}}'


BODIES = {
    "non-utf8": (b"\xff\xfe" + json.dumps(CREATE).encode(), "not UTF-8"),
    "null": ("null", "must be a JSON object"),
    "a number": ("5", "must be a JSON object"),
    "a list": ("[1, 2]", "must be a JSON object"),
    "not json": ("{query", "not JSON"),
    "3000-deep list": ("[" * 3000 + "]" * 3000, "nested more than 64 levels"),
    "3000-deep variables": (_with('{"a": ' * 3000 + "1" + "}" * 3000), "nested more than 64"),
    "4300-digit integer": (_with('{"a": ' + "9" * 4300 + "}"), "4,300 digits"),
    "NaN": (_with('{"a": [NaN]}'), "NaN is not a JSON number"),
    "Infinity": (_with('{"a": -Infinity}'), "-Infinity is not a JSON number"),
    "lone surrogate": (_with('{"name": "a\\ud800b"}'), "variables.name contains a lone surrogate"),
    "query not a string": ('{"query": 5}', "query must be a string"),
    "variables a list": ('{"query": "{ me { id } }", "variables": [1]}', "variables must be"),
}


@pytest.mark.parametrize("body, reason", BODIES.values(), ids=BODIES.keys())
def test_a_bad_body_is_http_400_with_its_reason(
    server: Server, alice_token: str, body: str | bytes, reason: str
) -> None:
    offset = server.log_size()
    response = server.post(body, alice_token)
    assert response.status_code == 400, (response.status_code, response.text[:300])
    assert reason in response.text, response.text[:300]
    assert not Job.objects.exists()
    assert_clean_log(server.log_since(offset))
