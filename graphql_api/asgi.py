"""ASGI application of the standalone server: HTTP (Django) and GraphQL WebSocket on one port."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thx_cron.standalone.settings")
# Django is set up before anything imports models.
_django = get_asgi_application()

from thx_cron_graphql.routing import application as _routed  # noqa: E402

application = _routed(_django)
