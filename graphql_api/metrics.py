"""GET /metrics: Prometheus' text format, for staff (a staff user's API token or session)."""

from __future__ import annotations

import os

from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from thx_cron.conf import thx_settings
from thx_cron.ops.metrics import DISPATCH_TICK, RunCollector
from thx_cron_graphql.auth import InvalidToken, user_for_authorization
from thx_cron_notifications.metrics import DeliveryCollector


def registry() -> CollectorRegistry:
    """Return a registry of the database's figures and the processes' tick histogram."""
    collected = CollectorRegistry(auto_describe=False)
    collected.register(RunCollector())
    collected.register(DeliveryCollector())
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # The dispatchers on this host write their tick times there (see thx_cron.ops.metrics).
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(collected)
    else:
        collected.register(DISPATCH_TICK)  # a dispatcher in this very process, if any
    return collected


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not thx_settings.METRICS:
        raise Http404("Metrics are off (THX_CRON_METRICS).")
    try:
        user = user_for_authorization(request.headers.get("Authorization")) or request.user
    except InvalidToken as exc:
        return _refuse(str(exc), 401)
    if not user.is_authenticated:
        return _refuse("Sign in as staff or send a staff user's API token (Bearer).", 401)
    if not user.is_staff:
        return _refuse("Only staff may read the metrics.", 403)
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)


def _refuse(message: str, status: int) -> HttpResponse:
    response = HttpResponse(message + "\n", status=status, content_type="text/plain")
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="thx-cron"'
    return response
