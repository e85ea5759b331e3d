"""The foreign keys that another index leads with, or that few rows have, lose their own index.

Each start and finish of a run is an UPDATE that writes every index of the run table again (its
status is indexed, so it is never a heap-only update): ``job`` is covered by
``thx_cron_run_job_time`` (and ``thx_cron_event_job`` for events), and ``retry_of`` and
``triggered_by`` are set on few runs, so a partial index of those rows serves their lookups.

The state changes are Django's own ``AlterField``; the database side only drops the old
single-column indexes, found by their column, so SQLite does not rebuild the run and event
tables (which ``AlterField`` would do, once per field).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# (table, column) whose own single-column index is dropped.
_COLUMNS = (
    ("thx_cron_jobevent", "job_id"),
    ("thx_cron_joblog", "job_id"),
    ("thx_cron_joblog", "retry_of_id"),
    ("thx_cron_joblog", "triggered_by_id"),
)

# The partial indexes this migration adds, on the same columns.
_PARTIAL = ("thx_cron_run_retry_of", "thx_cron_run_triggered_by")


def _single_column_indexes(schema_editor, table, column):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return [
        name
        for name, info in constraints.items()
        if info["index"]
        and info["columns"] == [column]
        and not info["primary_key"]
        and not info["unique"]
        and name not in _PARTIAL
    ]


def drop_indexes(apps, schema_editor):
    quote = schema_editor.quote_name
    for table, column in _COLUMNS:
        for name in _single_column_indexes(schema_editor, table, column):
            schema_editor.execute(f"DROP INDEX {quote(name)}")


def create_indexes(apps, schema_editor):
    quote = schema_editor.quote_name
    for table, column in _COLUMNS:
        if not _single_column_indexes(schema_editor, table, column):
            name = f"{table}_{column}_idx"
            schema_editor.execute(f"CREATE INDEX {quote(name)} ON {quote(table)} ({quote(column)})")


class Migration(migrations.Migration):

    dependencies = [
        ("thx_cron", "0002_declared_jobs_key"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
            state_operations=[
                migrations.AlterField(
                    model_name="jobevent",
                    name="job",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="thx_cron.job",
                    ),
                ),
                migrations.AlterField(
                    model_name="joblog",
                    name="job",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="runs",
                        to="thx_cron.job",
                    ),
                ),
                migrations.AlterField(
                    model_name="joblog",
                    name="retry_of",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="retries",
                        to="thx_cron.joblog",
                    ),
                ),
                migrations.AlterField(
                    model_name="joblog",
                    name="triggered_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="joblog",
            index=models.Index(
                condition=models.Q(("retry_of__isnull", False)),
                fields=["retry_of"],
                name="thx_cron_run_retry_of",
            ),
        ),
        migrations.AddIndex(
            model_name="joblog",
            index=models.Index(
                condition=models.Q(("triggered_by__isnull", False)),
                fields=["triggered_by"],
                name="thx_cron_run_triggered_by",
            ),
        ),
    ]
