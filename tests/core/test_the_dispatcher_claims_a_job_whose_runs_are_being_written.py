"""The dispatcher passes over a due job another dispatcher or a worker is writing (SKIP LOCKED),
but not one whose runs or events a worker is inserting: on PostgreSQL the foreign key check of
that insert (at its commit: Django's constraints are deferred) locks the job FOR KEY SHARE,
which the dispatcher's lock (the one an UPDATE takes) does not conflict with. Both on the
database the router picks for thx-cron, here not the default one."""

from __future__ import annotations

import threading

import pytest
from django.db import connections, transaction
from django.test import override_settings

from tests.core.builders import at, make_due
from tests.services import TO_POSTGRES, needs_postgres
from thx_cron import dispatch, statements
from thx_cron.models import Job, JobLog

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


def holding(transaction_body) -> tuple[threading.Event, threading.Thread]:
    """Run `transaction_body` in a transaction of its own connection, held open until told."""
    held, done = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic(using="postgres"):
                transaction_body()
                held.set()
                done.wait(30)
        finally:
            connections["postgres"].close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert held.wait(10)
    return done, thread


def insert_run_and_check_it(job: Job) -> None:
    """A worker's transaction inserting a run of `job`, as it commits: the deferred foreign key
    check run now, which holds the job FOR KEY SHARE until the transaction ends."""
    JobLog.objects.create(job=job, queued_at=at("2027-03-01T09:59:00"))
    with connections["postgres"].cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_a_due_job_whose_run_is_being_inserted_is_claimed(make_job):
    job = make_due(make_job(name="busy", cron="*/5 * * * *"), at("2027-03-01T10:00:00"))
    done, thread = holding(lambda: insert_run_and_check_it(job))
    try:
        claimed = dispatch.claim_due(at("2027-03-01T10:00:01"))
    finally:
        done.set()
        thread.join(30)
    assert [JobLog.objects.get(pk=pk).scheduled_for for pk in claimed] == [
        at("2027-03-01T10:00:00")
    ]


def test_a_due_job_another_transaction_writes_is_passed_over_until_it_commits(make_job):
    job = make_due(make_job(name="written", cron="*/5 * * * *"), at("2027-03-01T10:00:00"))
    done, thread = holding(
        lambda: Job.objects.filter(pk=job.pk).update(description="changed meanwhile")
    )
    try:
        assert dispatch.claim_due(at("2027-03-01T10:00:01")) == []
    finally:
        done.set()
        thread.join(30)
    assert len(dispatch.claim_due(at("2027-03-01T10:00:02"))) == 1
