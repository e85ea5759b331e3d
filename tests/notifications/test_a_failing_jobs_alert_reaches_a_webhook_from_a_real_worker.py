"""A real worker process: a failing job's alert reaches a webhook, and a hung one blocks no run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.notifications.peers import WebhookReceiver
from tests.processes import sqlite_url, thx_process, wait_for
from thx_cron import dispatch, lifecycle
from thx_cron.models import Job, JobLog
from thx_cron_notifications.models import NotificationDelivery, NotificationRule

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
# Far from now, so that only the runs a test starts by hand happen.
YEARLY = "0 0 1 1 *"


def worker(tmp_path: Path) -> Any:
    # The worker reads the queue this process writes to (the test settings' cluster name).
    return thx_process(
        ["worker"],
        sqlite_url(),
        log=tmp_path / "worker.log",
        THX_CRON_QUEUE=settings.Q_CLUSTER["name"],
    )


def run_now(job: Job) -> JobLog:
    run = lifecycle.create_run(job)
    dispatch.enqueue_now(run)
    return run


def status_of(run: JobLog) -> str:
    run.refresh_from_db()
    return run.status


def test_a_failing_job_in_a_worker_posts_to_the_webhook(
    tmp_path: Path, make_job: Any, user: Any, webhook: WebhookReceiver
) -> None:
    NotificationRule.objects.create(
        owner=user, name="hook", urls=[webhook.url()], events=["failed"]
    )
    job = make_job(
        owner=user, name="nightly", action="demo.fail", args=["out of paper"], cron=YEARLY
    )
    with worker(tmp_path):
        run = run_now(job)
        wait_for(lambda: webhook.received, timeout=60)
        # The receiver answers before the worker records the delivery as sent.
        sent = NotificationDelivery.objects.filter(status=NotificationDelivery.Status.SENT)
        wait_for(sent.exists, timeout=30)
    [hit] = webhook.received
    assert hit.payload["title"] == "[thx-cron] nightly: failed"
    assert "out of paper" in hit.payload["message"]
    assert status_of(run) == JobLog.Status.FAILED
    delivery = NotificationDelivery.objects.get()
    assert (delivery.run_id, delivery.status) == (run.pk, NotificationDelivery.Status.SENT)


def test_a_notifier_that_hangs_never_holds_up_runs(
    tmp_path: Path, make_job: Any, user: Any
) -> None:
    hanging = WebhookReceiver(hang=True).start()
    try:
        NotificationRule.objects.create(
            owner=user, name="hung", urls=[hanging.url()], events=["failed"]
        )
        failing = make_job(owner=user, action="demo.fail", args=["x"], cron=YEARLY)
        quick = make_job(owner=user, action="tests.noop", args=[], cron=YEARLY)
        with worker(tmp_path):
            first = run_now(failing)
            wait_for(hanging.arrived.is_set, timeout=60)
            second = run_now(quick)
            wait_for(lambda: status_of(second) == JobLog.Status.SUCCEEDED, timeout=60)
            # Both runs ended while the webhook still held its one request open.
            assert not hanging.release.is_set() and len(hanging.received) == 1
            assert status_of(first) == JobLog.Status.FAILED
            assert first.finished_at is not None and first.error == "DemoFailure: x"
    finally:
        hanging.stop()
