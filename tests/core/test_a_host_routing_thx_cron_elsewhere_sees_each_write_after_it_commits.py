"""A host whose router puts thx-cron on a database that is not its default one: what thx-cron
writes there is one transaction on that database, and what it announces (a task handed to
django-q2, an event sent to live readers) is announced after that transaction commits, so that
whoever is told can read it. Each check reads from another connection, as a worker or a
subscriber in another process would."""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connections
from django.test import override_settings
from django_q.signals import pre_enqueue

from tests.core.builders import at, make_due
from tests.services import TO_POSTGRES, needs_postgres
from thx_cron import dispatch, lifecycle, statements
from thx_cron.models import JobEvent, JobLog
from thx_cron.signals import job_event

pytestmark = [
    needs_postgres,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, databases=["default", "postgres"]),
]


@pytest.fixture(autouse=True)
def on_postgres():
    with override_settings(DATABASE_ROUTERS=[TO_POSTGRES]):
        assert statements.alias() == "postgres"
        yield


def seen_elsewhere(count) -> int:
    """`count()` run on a connection of another thread: what another process would read."""
    seen: list[int] = []

    def read() -> None:
        try:
            seen.append(count())
        finally:
            connections["postgres"].close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join(30)
    return seen[0]


def test_the_runs_of_a_claim_are_handed_to_django_q2_once_another_process_can_read_them(make_job):
    jobs = [
        make_due(make_job(name=f"routed-{n}", cron="*/5 * * * *"), at("2027-03-01T10:00:00"))
        for n in range(3)
    ]
    readable: list[tuple[int, int]] = []

    def on_enqueue(sender, task, **kwargs):
        ids = list(task["args"])
        visible = seen_elsewhere(lambda: JobLog.objects.filter(pk__in=ids).count())
        readable.append((len(ids), visible))

    pre_enqueue.connect(on_enqueue, dispatch_uid="routed-claim")
    try:
        claimed = dispatch.claim_due(at("2027-03-01T10:00:01"))
    finally:
        pre_enqueue.disconnect(dispatch_uid="routed-claim")
    assert len(claimed) == len(jobs)
    assert readable, "no task was handed to django-q2"
    assert sum(total for total, _ in readable) == len(jobs)
    assert all(visible == total for total, visible in readable), readable


def test_an_event_is_announced_once_another_process_can_read_it(make_job):
    job = make_job(name="announced")
    announced: list[tuple[str, int]] = []

    def on_event(sender, event, **kwargs):
        visible = seen_elsewhere(lambda: JobEvent.objects.filter(pk=event.pk).count())
        announced.append((event.kind, visible))

    job_event.connect(on_event, dispatch_uid="routed-event")
    try:
        run = lifecycle.create_run(job)
        started = lifecycle.start(job, run)
        assert started is not None
        lifecycle.complete(job, started, "ok")
    finally:
        job_event.disconnect(dispatch_uid="routed-event")
    assert [kind for kind, _ in announced] == ["queued", "started", "succeeded"]
    assert all(visible == 1 for _, visible in announced), announced


def test_a_run_whose_queued_event_cannot_be_written_is_not_left_behind(make_job):
    job = make_job(name="refused")
    table = JobEvent._meta.db_table
    with connections["postgres"].cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse_queued() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'no queued events here'; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            f'CREATE TRIGGER refuse_queued BEFORE INSERT ON "{table}" FOR EACH ROW '
            "WHEN (NEW.kind = 'queued') EXECUTE FUNCTION refuse_queued()"
        )
    try:
        with pytest.raises(DatabaseError, match="no queued events here"):
            lifecycle.create_run(job)
    finally:
        with connections["postgres"].cursor() as cursor:
            cursor.execute(f'DROP TRIGGER refuse_queued ON "{table}"')
            cursor.execute("DROP FUNCTION refuse_queued()")
    # The run and its event are one transaction on the routed database: neither is there.
    assert not JobLog.objects.filter(job=job).exists()
    assert not JobEvent.objects.filter(job=job).exists()
