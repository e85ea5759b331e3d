"""HTTP routes of the API: POST /graphql for queries and mutations, GET for GraphiQL; /metrics."""

from __future__ import annotations

from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from thx_cron_graphql.metrics import metrics_view
from thx_cron_graphql.schema import schema
from thx_cron_graphql.views import ThxGraphQLView

# Not CSRF-protected by token: cross-site browser requests are refused by the origin check, and
# Django's session cookie is SameSite=Lax, so a foreign page cannot post with it.
graphql_view = csrf_exempt(ThxGraphQLView.as_view(schema=schema))

urlpatterns = [
    path("graphql", graphql_view, name="thx_cron_graphql"),
    path("graphql/", graphql_view),
    path("metrics", metrics_view, name="thx_cron_metrics"),
]
