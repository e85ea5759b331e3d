"""thx_cron.db_compat, the one module that reaches into Django's database internals, works on
the installed Django (CI runs this on the 5.2 and the 6.x lines)."""

from __future__ import annotations

import os

import django
import pytest
from django.db import connections

from thx_cron.db_compat import server_binding_cursor

PG_URL = os.environ.get("THX_CRON_TEST_DATABASE_URL", "")
REQUIRED = bool(os.environ.get("THX_CRON_REQUIRE_SERVICES"))


def test_the_supported_django_lines_are_5_2_and_6():
    assert (5, 2) <= django.VERSION[:2] < (7, 0)


@pytest.mark.django_db
def test_sqlite_has_no_server_binding_cursor_and_keeps_its_own():
    assert server_binding_cursor(connections["default"]) is None


@pytest.mark.skipif(not PG_URL and not REQUIRED, reason="needs THX_CRON_TEST_DATABASE_URL")
@pytest.mark.postgres
@pytest.mark.django_db(databases=["default", "postgres"])
def test_the_server_binding_cursor_binds_values_on_postgresql_and_reads_aware_datetimes():
    import psycopg

    connection = connections["postgres"]
    with server_binding_cursor(connection) as cursor:
        raw = cursor.cursor
        # Server-side binding: a plain psycopg cursor, not Django's usual ClientCursor.
        assert isinstance(raw, psycopg.Cursor) and not isinstance(raw, psycopg.ClientCursor)
        cursor.execute("SELECT %s::int + 1, now()", [41])
        answer, now = cursor.fetchone()
    assert answer == 42
    assert now.tzinfo is not None
    with connection.cursor() as usual:
        assert isinstance(usual.cursor, psycopg.ClientCursor)
