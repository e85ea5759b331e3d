"""Under THX_CRON_MAX_RUNNING_PER_USER the starts of one owner's runs take turns (on PostgreSQL,
an advisory lock held by the starting transaction), so two workers cannot both take the last
slot. The lock is taken on the database the router picks for thx-cron, here not the default
one, where the starting transaction runs."""

from __future__ import annotations

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.test import override_settings

from tests.services import TO_POSTGRES, needs_postgres
from thx_cron import fair_use, lifecycle, statements
from thx_cron.models import Job, JobLog

pytestmark = [
    needs_postgres,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, databases=["default", "postgres"]),
]


def waiting_for_an_advisory_lock() -> bool:
    with connections["postgres"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        return cursor.fetchone()[0] > 0


@override_settings(DATABASE_ROUTERS=[TO_POSTGRES], THX_CRON_MAX_RUNNING_PER_USER=1)
def test_a_second_start_of_one_owner_waits_for_the_first_to_commit():
    assert statements.alias() == "postgres"
    owner = get_user_model().objects.using("postgres").create(username="owner")
    job = Job(name="owned", action="demo.echo", cron="* * * * *", owner_id=owner.pk)
    job.save()
    run = lifecycle.create_run(job, enqueued=True)
    locked, release, second = threading.Event(), threading.Event(), {}

    def first_start() -> None:
        # A start in progress: the owner's slot looked at, the transaction not committed yet.
        try:
            with transaction.atomic(using="postgres"):
                assert not fair_use.at_limit(owner.pk, 1)
                locked.set()
                release.wait(30)
        finally:
            connections["postgres"].close()

    def second_start() -> None:
        try:
            started = lifecycle.start(job, run, worker="second:1")
            second["status"] = started.status if started else None
        finally:
            connections["postgres"].close()

    first = threading.Thread(target=first_start)
    first.start()
    assert locked.wait(10)
    other = threading.Thread(target=second_start)
    other.start()
    deadline = time.monotonic() + 10
    while not waiting_for_an_advisory_lock() and time.monotonic() < deadline:
        time.sleep(0.02)
    waited = waiting_for_an_advisory_lock()
    release.set()
    first.join(30)
    other.join(30)
    assert waited, "the second start did not wait for the owner's lock"
    assert second == {"status": JobLog.Status.RUNNING}
