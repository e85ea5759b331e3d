"""Markers for tests that need the real services (PostgreSQL, Redis) the suite is handed through
THX_CRON_TEST_DATABASE_URL and THX_CRON_TEST_REDIS_URL."""

from __future__ import annotations

import os

import pytest

PG_URL = os.environ.get("THX_CRON_TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("THX_CRON_TEST_REDIS_URL", "")
# CI sets this so that a missing service fails the run instead of skipping these tests.
REQUIRED = bool(os.environ.get("THX_CRON_REQUIRE_SERVICES"))

needs_postgres = pytest.mark.skipif(
    not PG_URL and not REQUIRED,
    reason="needs PostgreSQL: set THX_CRON_TEST_DATABASE_URL=postgres://…",
)
needs_redis = pytest.mark.skipif(
    not REDIS_URL and not REQUIRED,
    reason="needs Redis: set THX_CRON_TEST_REDIS_URL=redis://…",
)


class ToPostgres:
    """A database router: every model of thx-cron on the suite's PostgreSQL database (alias
    "postgres"), for `override_settings(DATABASE_ROUTERS=[TO_POSTGRES])`."""

    def db_for_read(self, model, **hints):
        return "postgres" if model._meta.app_label == "thx_cron" else None

    db_for_write = db_for_read


TO_POSTGRES = f"{__name__}.ToPostgres"
