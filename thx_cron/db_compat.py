"""The one place thx-cron reaches into Django's database internals, tested on each supported
Django line (5.2 and 6.x) by tests/core/test_django_internals_behind_one_module.py.

Django's PostgreSQL backend has a cursor class that binds values on the server
(`ServerBindingCursor`, used when OPTIONS["server_side_binding"] is set) but no public way to
ask for one such cursor beside the connection's usual client-side binding ones.
"""

from __future__ import annotations

from typing import Any


def server_binding_cursor(connection: Any) -> Any | None:
    """A cursor of `connection` (PostgreSQL, psycopg 3) that binds values on the server, wrapped
    as `connection.cursor()` wraps its cursors; None where there is no such cursor."""
    if connection.vendor != "postgresql":
        return None
    try:
        from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]
            ServerBindingCursor,
        )
        from django.db.backends.postgresql.psycopg_any import register_tzloader
        from psycopg import adapters
        from psycopg.pq import Format
    except ImportError:  # psycopg2, or a Django without the class: client-side binding
        return None
    # What connection.cursor() does (BaseDatabaseWrapper._cursor and
    # DatabaseWrapper.create_cursor), with the server-binding cursor class.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = ServerBindingCursor(connection.connection)
        timestamptz = adapters.types["timestamptz"].oid
        tz_loader = connection.connection.adapters.get_loader(timestamptz, Format.TEXT)
        if connection.timezone != tz_loader.timezone:
            register_tzloader(connection.timezone, cursor)
    connection.validate_thread_sharing()
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)
