"""ASGI application of the standalone server (HTTP now; GraphQL routes are added by the API)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thx_cron.standalone.settings")
application = get_asgi_application()
