"""Serve the dashboard's page, which tells the browser app where the GraphQL endpoint is."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

# The endpoint is found by its URL name, so the dashboard works under any prefix the host gives
# the API; without that name it assumes the standalone server's layout.
GRAPHQL_URL_NAME = "thx_cron_graphql"
DEFAULT_GRAPHQL_PATH = "/graphql"


def graphql_path() -> str:
    """Return the path of the GraphQL endpoint the dashboard talks to."""
    try:
        return reverse(GRAPHQL_URL_NAME)
    except NoReverseMatch:
        return DEFAULT_GRAPHQL_PATH


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    response = render(request, "thx_cron_dashboard/index.html", {"graphql_path": graphql_path()})
    response["Cache-Control"] = "no-cache"
    return response
