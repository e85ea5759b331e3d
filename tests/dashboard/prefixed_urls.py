"""A host project's URLs: the dashboard under /ops/cron/, the API under /api/."""

from __future__ import annotations

from django.urls import include, path

urlpatterns = [
    path("api/", include("thx_cron_graphql.urls")),
    path("ops/cron/", include("thx_cron.dashboard.urls")),
]
