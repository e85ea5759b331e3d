"""`/` serves the dashboard's page, which points the browser app at the GraphQL endpoint; mounted
under other prefixes, it finds the endpoint by its URL name. The admin's "View site" leads to it."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.test import Client


@pytest.mark.django_db
def test_the_root_serves_the_dashboard_pointing_at_graphql() -> None:
    response = Client().get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-graphql-path="/graphql"' in page
    assert '<script type="module" src="/static/thx_cron_dashboard/dashboard.js">' in page
    assert 'data-admin-path="/admin/"' in page
    assert response["Cache-Control"] == "no-cache"


@pytest.mark.django_db
@pytest.mark.urls("tests.dashboard.prefixed_urls")
def test_under_a_prefix_the_page_finds_the_endpoint_by_its_name() -> None:
    assert Client().get("/").status_code == 404
    page = Client().get("/ops/cron/").content.decode()
    assert 'data-graphql-path="/api/graphql"' in page


def test_the_built_assets_are_static_files() -> None:
    for name in ("dashboard.js", "dashboard.css"):
        assert finders.find(f"thx_cron_dashboard/{name}"), name


def test_the_admin_s_view_site_link_leads_to_the_dashboard() -> None:
    assert admin.site.site_url == "/"


@pytest.mark.django_db
def test_the_dashboard_page_only_answers_get() -> None:
    assert Client().post("/").status_code == 405
