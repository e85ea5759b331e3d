"""GraphiQL's page loads React and GraphiQL from this package's static files, never from a CDN,
so it works without internet (tests/dashboard checks that it renders in Chromium offline)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.staticfiles import finders

from tests.graphql.client import GraphQLClient


def test_graphiql_s_page_references_only_local_assets(db: Any) -> None:
    response = GraphQLClient().request("GET", headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = response.text
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources, page
    assert all(source.startswith("/static/thx_cron_graphql/") for source in sources), sources
    for source in sources:
        assert finders.find(source.removeprefix("/static/")), source
