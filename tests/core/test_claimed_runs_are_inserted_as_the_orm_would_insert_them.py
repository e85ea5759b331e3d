"""The dispatcher inserts the runs it claims, and the run path its events, in plain INSERT …
RETURNING statements (statements.insert_rows; on PostgreSQL one array per column) instead of
the ORM's bulk_create. The rows must be exactly what bulk_create stores, on SQLite and on
PostgreSQL, with the ids set in order."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.services import PG_URL, REQUIRED, TO_POSTGRES
from thx_cron import dispatch, events, statements
from thx_cron.models import Job, JobEvent, JobLog

# The PostgreSQL cases run where the suite is handed a PostgreSQL database.
pytestmark = pytest.mark.django_db(
    transaction=True, databases=["default", "postgres"] if PG_URL else ["default"]
)


@pytest.fixture(params=["default", "postgres"])
def alias(request):
    if request.param == "default":
        yield "default"
        return
    if not PG_URL and not REQUIRED:
        pytest.skip("needs PostgreSQL: set THX_CRON_TEST_DATABASE_URL=postgres://…")
    with override_settings(DATABASE_ROUTERS=[TO_POSTGRES]):
        assert statements.alias() == "postgres"
        yield "postgres"


def unsaved_runs(job: Job) -> list[JobLog]:
    """Runs as the dispatcher makes them, of every shape it makes: queued, catch-up, skipped."""
    now = timezone.now().replace(microsecond=123456)

    def queued(trigger: str, hours: float, **more: object) -> JobLog:
        return JobLog(
            job=job,
            trigger=trigger,
            scheduled_for=now - timedelta(hours=hours),
            queued_at=now,
            due_at=now,
            enqueued_at=now,
            **more,
        )

    return [queued(JobLog.Trigger.SCHEDULE, number / 60) for number in range(5)] + [
        queued(JobLog.Trigger.CATCH_UP, 1, attempt=2, result={"nested": [1, "two", None]}),
        JobLog(
            job=job,
            status=JobLog.Status.SKIPPED,
            scheduled_for=now - timedelta(hours=2),
            queued_at=now,
            finished_at=now,
            error="Missed 3 occurrence(s) … 'skip' did not run them.",
        ),
    ]


def stored(runs: list[JobLog], alias: str) -> list[dict]:
    rows = JobLog.objects.using(alias).filter(pk__in=[run.pk for run in runs]).order_by("pk")
    return [{k: v for k, v in row.items() if k != "id"} for row in rows.values()]


def test_inserted_runs_are_the_rows_bulk_create_stores(alias, monkeypatch):
    job = Job.objects.using(alias).create(name="inserted", action="tests.noop", cron="* * * * *")
    ours, theirs = unsaved_runs(job), unsaved_runs(job)
    for run in theirs:  # the same occurrences may not be stored twice
        run.scheduled_for = run.scheduled_for - timedelta(days=1)
    # 7 runs: on PostgreSQL one INSERT of arrays, elsewhere INSERTs of 3, 3 and 1 rows.
    monkeypatch.setattr(statements, "INSERT_ROWS", 3)
    with CaptureQueriesContext(connections[alias]) as queries:
        statements.insert_rows(ours)
    JobLog.objects.using(alias).bulk_create(theirs)

    inserts = [q["sql"] for q in queries.captured_queries if (q["sql"] or "").startswith("INSERT")]
    if connections[alias].vendor == "postgresql":
        assert len(inserts) == 1 and "unnest" in inserts[0]
    elif connections[alias].features.can_return_rows_from_bulk_insert:
        assert len(inserts) == 3
    ids = [run.pk for run in ours]
    assert all(isinstance(pk, int) for pk in ids) and ids == sorted(ids)
    assert all(not run._state.adding and run._state.db == alias for run in ours)
    # Each instance got the id of its own row.
    for run in ours:
        assert JobLog.objects.using(alias).get(pk=run.pk).scheduled_for == run.scheduled_for

    mine, orm = stored(ours, alias), stored(theirs, alias)
    for row in orm:
        row["scheduled_for"] += timedelta(days=1)
    assert mine == orm
    assert mine[5]["result"] == {"nested": [1, "two", None]}
    assert mine[6]["status"] == "skipped" and mine[6]["error"].startswith("Missed 3")


def test_a_claim_stores_its_runs_through_the_plain_insert():
    alias = "default"  # the dispatcher's transactions are the default database's
    jobs = [
        Job.objects.using(alias).create(
            name=f"due-{number}", action="tests.noop", cron="* * * * *", overlap_policy="allow"
        )
        for number in range(3)
    ]
    # Mid-minute: within CLAIM_AHEAD of the next minute the claim would take its runs too.
    now = timezone.now().replace(second=30)
    # An occurrence of "* * * * *": the start of this minute.
    Job.objects.using(alias).update(next_run_at=now.replace(second=0, microsecond=0))
    with CaptureQueriesContext(connections[alias]) as queries:
        claimed = dispatch.claim_due(now)
    assert len(claimed) == 3
    runs = JobLog.objects.using(alias).filter(pk__in=claimed)
    assert {run.job_id for run in runs} == {job.pk for job in jobs}
    assert all(run.status == "queued" and run.enqueued_at == now for run in runs)
    inserts = [q["sql"] for q in queries.captured_queries if "thx_cron_joblog" in q["sql"][:40]]
    run_inserts = [sql for sql in inserts if sql.startswith("INSERT")]
    assert len(run_inserts) == 1 and "RETURNING" in run_inserts[0]


def test_recorded_events_are_the_rows_bulk_create_stores(alias):
    job = Job.objects.using(alias).create(name="eventful", action="tests.noop", cron="* * * * *")
    run = JobLog.objects.using(alias).create(job=job, queued_at=timezone.now())
    when = timezone.now().replace(microsecond=654321)

    def made() -> list[JobEvent]:
        return [
            JobEvent(job=job, run=run, kind=JobEvent.Kind.QUEUED, data={"trigger": "manual"}),
            JobEvent(job=job, run=None, kind=JobEvent.Kind.MISSED, data={"due_at": when}),
            JobEvent(job=job, run=run, kind=JobEvent.Kind.STARTED, occurred_at=when),
        ]

    ours, theirs = made(), made()
    events.record_many(ours)
    JobEvent.objects.using(alias).bulk_create(theirs)

    assert [event.pk for event in ours] == sorted(event.pk for event in ours)
    assert all(not event._state.adding for event in ours)

    def rows(made: list[JobEvent]) -> list[dict]:
        found = (
            JobEvent.objects.using(alias).filter(pk__in=[event.pk for event in made]).order_by("pk")
        )
        return [{k: v for k, v in row.items() if k != "id"} for row in found.values()]

    mine, orm = rows(ours), rows(theirs)
    for row in mine + orm:  # each made its own "now" (the field's default)
        if row["kind"] != JobEvent.Kind.STARTED:
            row.pop("occurred_at")
    assert mine == orm
    assert mine[1]["data"] == json.loads(json.dumps({"due_at": when}, cls=DjangoJSONEncoder))
    assert mine[1]["run_id"] is None and mine[2]["occurred_at"] == when
