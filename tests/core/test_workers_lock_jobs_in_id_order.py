"""A worker's write transactions lock jobs in id order, so they cannot deadlock with each other
or with a host project's own transaction that locks jobs in id order.

The transaction that commits one run's outcome and claims the next run of the task writes both
jobs: it locks them first, the lower id before the higher. Were it to lock the job of the
outcome first (here the higher id), a host transaction holding the lower job and then updating
the higher would close a cycle, and PostgreSQL would abort one of the two.
"""

from __future__ import annotations

import logging
import threading
import time

import pytest
from django.db import connections, transaction
from django.test import override_settings

from tests.services import TO_POSTGRES, needs_postgres
from thx_cron import lifecycle, statements
from thx_cron.models import Job, JobLog
from thx_cron.runner import execution

pytestmark = [
    needs_postgres,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, databases=["default", "postgres"]),
]


@pytest.fixture(autouse=True)
def on_postgres(monkeypatch):
    # Two groups of one run each; the first outcome is committed with the second claim.
    monkeypatch.setattr(execution, "CLAIM_GROUP", 1)
    monkeypatch.setattr(execution, "GROUP_SECONDS", 60.0)
    monkeypatch.setattr(execution, "RESTART_AFTER", 60.0)
    with override_settings(DATABASE_ROUTERS=[TO_POSTGRES]):
        assert statements.alias() == "postgres"
        yield


def waiting_locks() -> int:
    with connections["postgres"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0]


def test_a_task_waits_for_a_host_transaction_instead_of_deadlocking_with_it(make_job, caplog):
    # Overlap policy "skip": the claim locks the job, to look whether it is busy.
    low = make_job(name="low", overlap_policy=Job.Overlap.SKIP)
    high = make_job(name="high", overlap_policy=Job.Overlap.SKIP)
    assert low.pk < high.pk
    high_run = lifecycle.create_run(high, enqueued=True)
    low_run = lifecycle.create_run(low, enqueued=True)
    holding, host = threading.Event(), {}

    def host_transaction() -> None:
        try:
            with transaction.atomic(using="postgres"):
                Job.objects.select_for_update(no_key=True).get(pk=low.pk)
                holding.set()
                deadline = time.monotonic() + 30
                while not waiting_locks() and time.monotonic() < deadline:
                    time.sleep(0.02)
                host["worker waited"] = bool(waiting_locks())
                Job.objects.filter(pk=high.pk).update(description="changed by the host")
            host["committed"] = True
        except Exception as error:  # noqa: BLE001 - the test reports it
            host["error"] = repr(error)
        finally:
            connections["postgres"].close()

    thread = threading.Thread(target=host_transaction)
    thread.start()
    assert holding.wait(10)
    caplog.set_level(logging.WARNING, logger="thx_cron")
    status = execution.execute(high_run.pk, low_run.pk)
    thread.join(30)

    assert host == {"worker waited": True, "committed": True}
    # The worker's side was not the one aborted and retried either.
    assert not [r for r in caplog.records if "Could not record" in r.getMessage()]
    assert status == JobLog.Status.SUCCEEDED
    for run in (high_run, low_run):
        run.refresh_from_db()
        assert (run.status, run.attempt) == (JobLog.Status.SUCCEEDED, 1)
    high.refresh_from_db()
    assert (high.description, high.success_count) == ("changed by the host", 1)
