"""Settings of the standalone thx-cron server, driven by environment variables.

DATABASE_URL (default: SQLite in the data dir), THX_CRON_REDIS_URL (optional: Redis broker and
channel layer), THX_CRON_DATA_DIR, SECRET_KEY (default: generated once, kept in the data dir),
DEBUG (default off), ALLOWED_HOSTS, THX_CRON_ALLOWED_ORIGINS, THX_CRON_WORKERS,
THX_CRON_HTTP_ALLOWED_HOSTS, THX_CRON_OUTBOUND_ALLOWED_HOSTS, THX_CRON_OUTBOUND_ALLOWED_NETWORKS;
what jobs may run: THX_CRON_ACTION_MODULES, THX_CRON_ALLOWED_COMMANDS, THX_CRON_ALLOWED_PROGRAMS
(comma-separated) and THX_CRON_JOBS_FILE (a TOML file of declared jobs, see docs/declared-jobs.md).
A malformed value stops the server with a message naming the variable (see docs/settings.md).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from thx_cron.ops.log_format import logging_config
from thx_cron.security import login_throttle
from thx_cron.standalone import environment as env
from thx_cron.standalone.database import database_config


def _data_dir() -> Path:
    configured = os.environ.get("THX_CRON_DATA_DIR")
    if configured:
        path = Path(configured)
    else:
        xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        path = Path(xdg) / "thx-cron"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ImproperlyConfigured(
            f"The data directory {str(path)!r} (THX_CRON_DATA_DIR) cannot be created: "
            f"{exc.strerror}."
        ) from None
    return path


def _secret_key(data_dir: Path) -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        # Created exclusively so that two processes starting together agree on one key.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(get_random_secret_key())
    return key_file.read_text().strip()


DATA_DIR = _data_dir()
SECRET_KEY = _secret_key(DATA_DIR)
DEBUG = env.flag("DEBUG", False)
ALLOWED_HOSTS = env.names("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env.names("CSRF_TRUSTED_ORIGINS")

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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    login_throttle.MIDDLEWARE,  # last: it turns a locked-out login into a 429 answer
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
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": database_config(
        env.database_url("DATABASE_URL", f"sqlite:///{DATA_DIR / 'thx-cron.sqlite3'}"),
        prepare=env.flag("THX_CRON_DATABASE_PREPARE", True),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.text("THX_CRON_REDIS_URL", "")

THX_CRON_DEMO_ACTIONS = env.flag("THX_CRON_DEMO_ACTIONS", True)
THX_CRON_ADMIN_SHOW_DJANGO_Q = env.flag("THX_CRON_ADMIN_SHOW_DJANGO_Q", False)
THX_CRON_ALLOWED_ORIGINS = env.names("THX_CRON_ALLOWED_ORIGINS")
# What jobs may run, and the jobs declared for this server (checked at start: thx_cron.E020-E022).
THX_CRON_ACTION_MODULES = env.names("THX_CRON_ACTION_MODULES")
THX_CRON_ALLOWED_COMMANDS = env.names("THX_CRON_ALLOWED_COMMANDS")
THX_CRON_ALLOWED_PROGRAMS = env.names("THX_CRON_ALLOWED_PROGRAMS")
THX_CRON_JOBS_FILE = env.text("THX_CRON_JOBS_FILE", "")
THX_CRON_BASE_URL = env.text("THX_CRON_BASE_URL", "http://127.0.0.1:8000")
# Outbound requests: comma-separated hosts http_request may call (empty: any public host), and
# the internal hosts and networks that http_request and notification URLs may reach.
THX_CRON_HTTP_ALLOWED_HOSTS = env.names("THX_CRON_HTTP_ALLOWED_HOSTS")
THX_CRON_OUTBOUND_ALLOWED_HOSTS = env.names("THX_CRON_OUTBOUND_ALLOWED_HOSTS")
THX_CRON_OUTBOUND_ALLOWED_NETWORKS = env.names("THX_CRON_OUTBOUND_ALLOWED_NETWORKS")
_MAX_TIMEOUT = env.whole("THX_CRON_MAX_TIMEOUT", 86_400, minimum=1)
THX_CRON_MAX_TIMEOUT = _MAX_TIMEOUT
THX_CRON_LOGIN_FAILURE_LIMIT = env.whole("THX_CRON_LOGIN_FAILURE_LIMIT", 10, minimum=1)
THX_CRON_LOGIN_COOLOFF_SECONDS = env.whole("THX_CRON_LOGIN_COOLOFF_SECONDS", 900, minimum=1)
# Fair use: running runs per user (unset or 0: no limit).
THX_CRON_MAX_RUNNING_PER_USER = env.optional_whole("THX_CRON_MAX_RUNNING_PER_USER")
# On SIGTERM/SIGINT, running runs get this long to finish before they are killed and end lost.
THX_CRON_SHUTDOWN_GRACE = env.number("THX_CRON_SHUTDOWN_GRACE", 30.0)

Q_CLUSTER = {
    "name": env.text("THX_CRON_QUEUE", "thx-cron"),
    "workers": env.whole("THX_CRON_WORKERS", 2, minimum=1),
    # thx-cron decides about retries; django-q2 must never run a task a second time on its own.
    "timeout": _MAX_TIMEOUT + 60,
    "retry": _MAX_TIMEOUT + 120,
    "max_attempts": 1,
    "ack_failures": True,
    "save_limit": -1,
    "catch_up": False,
    "poll": 0.1,
    "label": "Task queue",
}
# Notification sends get their own queue and cluster (one worker), so that an alert never waits
# behind a burst of runs; `thx-cron worker` starts it (THX_CRON_WORKER_QUEUES).
NOTIFICATION_QUEUE = f"{Q_CLUSTER['name']}-notify"
Q_CLUSTER["ALT_CLUSTERS"] = {NOTIFICATION_QUEUE: {"workers": 1}}
THX_CRON_WORKER_QUEUES = [NOTIFICATION_QUEUE]
THX_CRON_NOTIFICATION_QUEUE = NOTIFICATION_QUEUE
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    Q_CLUSTER["orm"] = "default"
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.time_zone("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise serves from the finders; it warns if this is missing
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Plain text, or one JSON object a line with THX_CRON_LOG_FORMAT=json.
LOGGING = logging_config(
    env.choice("THX_CRON_LOG_FORMAT", "text", ("text", "json")),
    env.log_level("LOG_LEVEL"),
)
