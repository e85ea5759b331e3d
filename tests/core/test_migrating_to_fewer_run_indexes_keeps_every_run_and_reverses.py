"""Migration 0003 drops the run table's single-column indexes of `job` (covered by
`thx_cron_run_job_time`), `retry_of` and `triggered_by` (now partial indexes of the few rows that
have one), and the event table's of `job`, on SQLite and PostgreSQL: by dropping those indexes
alone, so every run and event stays as it was and no table is copied. Migrating back creates
them again."""

from __future__ import annotations

import pytest
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from tests.services import needs_postgres

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "postgres"])

BEFORE = [("thx_cron", "0002_declared_jobs_key")]
AFTER = [("thx_cron", "0003_fewer_run_indexes")]
DROPPED = [
    ("thx_cron_joblog", "job_id"),
    ("thx_cron_joblog", "retry_of_id"),
    ("thx_cron_joblog", "triggered_by_id"),
    ("thx_cron_jobevent", "job_id"),
]
PARTIAL = {"thx_cron_run_retry_of": "retry_of_id", "thx_cron_run_triggered_by": "triggered_by_id"}


def indexes(alias: str, table: str) -> dict[str, list[str]]:
    """Every index of `table` but its primary key, with its columns."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        name: info["columns"]
        for name, info in constraints.items()
        if info["index"] and not info["primary_key"]
    }


def own_index_of(alias: str, table: str, column: str) -> list[str]:
    """The indexes of `column` alone, the partial ones 0003 adds aside."""
    found = indexes(alias, table)
    return [name for name, columns in found.items() if columns == [column] and name not in PARTIAL]


def migrate(alias: str, targets: list[tuple[str, str]]) -> list[str]:
    """Migrate `alias` to `targets`; return the statements it ran."""
    with CaptureQueriesContext(connections[alias]) as queries:
        MigrationExecutor(connections[alias]).migrate(targets)
    return [query["sql"] or "" for query in queries.captured_queries]


def rows(alias: str) -> list[tuple]:
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT r.id, r.status, r.job_id, r.retry_of_id, e.kind FROM thx_cron_joblog r"
            " JOIN thx_cron_jobevent e ON e.run_id = r.id ORDER BY r.id, e.id"
        )
        return cursor.fetchall()


def copies_a_table(statements: list[str]) -> list[str]:
    return [sql for sql in statements if sql.lstrip().upper().startswith("CREATE TABLE")]


@pytest.mark.parametrize(
    "alias", ["default", pytest.param("postgres", marks=[needs_postgres, pytest.mark.postgres])]
)
def test_the_covered_indexes_go_and_come_back_and_no_run_is_touched(alias):
    migrate(alias, BEFORE)
    try:
        for table, column in DROPPED:
            assert own_index_of(alias, table, column), (table, column)
        # The models as they were at 0002, written through the database being migrated.
        apps = MigrationExecutor(connections[alias]).loader.project_state(BEFORE).apps
        Job = apps.get_model("thx_cron", "Job")
        JobLog = apps.get_model("thx_cron", "JobLog")
        JobEvent = apps.get_model("thx_cron", "JobEvent")
        job = Job.objects.using(alias).create(name="kept", action="tests.noop", cron="0 0 1 1 *")
        first = JobLog.objects.using(alias).create(job=job, status="failed")
        retry = JobLog.objects.using(alias).create(job=job, status="queued", retry_of=first)
        for run in (first, retry):
            JobEvent.objects.using(alias).create(job=job, run=run, kind="started")
        before = rows(alias)
        assert len(before) == 2

        forward = migrate(alias, AFTER)
        assert copies_a_table(forward) == []
        for table, column in DROPPED:
            assert own_index_of(alias, table, column) == [], (table, column)
        runs = indexes(alias, "thx_cron_joblog")
        assert {name: runs.get(name) for name in PARTIAL} == {
            name: [column] for name, column in PARTIAL.items()
        }
        assert runs["thx_cron_run_job_time"][0] == "job_id"
        assert rows(alias) == before

        backward = migrate(alias, BEFORE)
        assert copies_a_table(backward) == []
        for table, column in DROPPED:
            assert len(own_index_of(alias, table, column)) == 1, (table, column)
        assert not set(PARTIAL) & set(indexes(alias, "thx_cron_joblog"))
        assert rows(alias) == before
    finally:
        migrate(alias, AFTER)
