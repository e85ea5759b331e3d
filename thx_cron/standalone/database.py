"""Database settings from a URL, with SQLite tuned for several writing processes."""

from __future__ import annotations

from typing import Any

import dj_database_url

# WAL lets readers run beside the writer; IMMEDIATE transactions take the write lock up front,
# so two processes never deadlock upgrading a read lock; the busy timeout waits instead of failing.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
    "init_command": (
        "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=30000;"
        "PRAGMA foreign_keys=ON;"
    ),
}


def database_config(url: str, *, prepare: bool = True) -> dict[str, Any]:
    """Return a Django DATABASES entry for `url`.

    `prepare` (PostgreSQL) lets psycopg prepare the run path's statements after a few uses per
    connection (Django turns preparing off; only server-binding cursors, thx_cron.statements',
    prepare). Turn it off behind a pooler in transaction mode, such as PgBouncer before 1.21.
    """
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=0))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    else:
        config["CONN_HEALTH_CHECKS"] = True
        config["CONN_MAX_AGE"] = 60
        if prepare:
            config.setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)
    return config
