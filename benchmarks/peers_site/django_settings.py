"""Django settings for the django-q2 and Celery peers (PEERS_SYSTEM=q2 or celery).

PEERS_DATABASE_URL is the PostgreSQL database, PEERS_BROKER_URL the Redis broker.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

_db = urlsplit(os.environ["PEERS_DATABASE_URL"])
_system = os.environ["PEERS_SYSTEM"]

SECRET_KEY = "peers-benchmark"  # noqa: S105  (a throw-away database on 127.0.0.1)
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _db.path.lstrip("/"),
        "USER": _db.username or "postgres",
        "PASSWORD": _db.password or "",
        "HOST": _db.hostname or "127.0.0.1",
        "PORT": str(_db.port or 5432),
    }
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

if _system == "q2":
    INSTALLED_APPS.append("django_q")
    # Two workers, the Redis broker, and django-q2's defaults for the rest (its scheduler
    # included); as in thx-cron's settings, results of no-op tasks are kept.
    Q_CLUSTER = {
        "name": os.environ.get("PEERS_QUEUE", "peers-q2"),
        "workers": 2,
        "redis": os.environ["PEERS_BROKER_URL"],
        "save_limit": -1,
        "timeout": 60,
        "retry": 120,
    }
elif _system == "celery":
    INSTALLED_APPS += ["django_celery_beat", "django_celery_results"]
    CELERY_BROKER_URL = os.environ["PEERS_BROKER_URL"]
    CELERY_RESULT_BACKEND = "django-db"
    CELERY_TIMEZONE = "UTC"
    CELERY_ENABLE_UTC = True
    CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
    CELERY_WORKER_HIJACK_ROOT_LOGGER = False
else:
    raise RuntimeError(f"PEERS_SYSTEM must be q2 or celery, not {_system!r}")
