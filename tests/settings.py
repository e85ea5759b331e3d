"""Settings for the test suite: SQLite in a temp file, PostgreSQL as a second alias if given."""

from __future__ import annotations

import os
import tempfile

from thx_cron.security import login_throttle
from thx_cron.standalone.database import database_config

SECRET_KEY = "thx-cron-tests"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
TIME_ZONE = "UTC"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_q",
    "strawberry_django",
    "thx_cron",
    "thx_cron_graphql",
    "thx_cron_notifications",
    "axes",
    "thx_cron.dashboard",
    "tests",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    login_throttle.MIDDLEWARE,
]
AUTHENTICATION_BACKENDS = [
    login_throttle.AUTHENTICATION_BACKEND,
    "django.contrib.auth.backends.ModelBackend",
]
globals().update(login_throttle.AXES_SETTINGS)
ROOT_URLCONF = "thx_cron.standalone.urls"
ASGI_APPLICATION = "thx_cron_graphql.asgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

_TMP = os.environ.get("THX_CRON_TEST_TMP") or tempfile.mkdtemp(prefix="thx-cron-tests-")
os.environ["THX_CRON_TEST_TMP"] = _TMP  # child processes of this run share the directory

DATABASES = {"default": database_config(f"sqlite:///{_TMP}/default.sqlite3")}
DATABASES["default"]["TEST"] = {"NAME": f"{_TMP}/test_default.sqlite3"}

POSTGRES_URL = os.environ.get("THX_CRON_TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("THX_CRON_TEST_REDIS_URL", "")
if POSTGRES_URL:
    DATABASES["postgres"] = database_config(POSTGRES_URL)
    # A private name lets several checkouts run the suite on one server at once.
    test_name = os.environ.get("THX_CRON_TEST_PG_NAME", "test_thx_cron")
    DATABASES["postgres"]["TEST"] = {"NAME": test_name}

Q_CLUSTER = {
    "name": "thx-cron",  # the queue that worker processes started by tests read
    "workers": 2,
    "timeout": 600,
    "retry": 900,
    "max_attempts": 1,
    "ack_failures": True,
    "save_limit": -1,
    "catch_up": False,
    "poll": 0.1,
    "orm": "default",
}
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

THX_CRON_DEMO_ACTIONS = True
THX_CRON_MAX_TIMEOUT = 300
THX_CRON_HEARTBEAT_SECONDS = 0.2
THX_CRON_LEASE_SECONDS = 2.0
THX_CRON_ALLOWED_COMMANDS = ["check"]
# The suite's receivers listen on loopback; tests of the address policy override this.
THX_CRON_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]
