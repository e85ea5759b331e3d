"""A worker killed with SIGKILL in the middle of a run: the `lost` alert still reaches a webhook,
sent by the surviving worker, within the lease and a margin."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.notifications.peers import WebhookReceiver
from tests.processes import service_group_of, sqlite_url, thx_process, wait_for
from thx_cron import dispatch, lifecycle
from thx_cron.models import JobLog
from thx_cron_notifications.models import NotificationRule

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# Long enough that a busy shared machine does not starve healthy heartbeats into a false `lost`.
LEASE = 4.0
# Recovery by the survivor's dispatcher, then a django-q2 delivery task on its ORM broker.
MARGIN = 30.0
# Far from now, so that only the run this test starts happens.
YEARLY = "0 0 1 1 *"


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


def group_of(pid: int | None) -> int | None:
    return service_group_of(pid)


def test_the_lost_run_of_a_killed_worker_posts_its_alert_to_the_webhook(
    tmp_path: Path, make_job: Any, user: Any, webhook: WebhookReceiver
) -> None:
    NotificationRule.objects.create(
        owner=user, name="lost runs", urls=[webhook.url()], events=["lost"]
    )
    job = make_job(
        owner=user,
        name="long-report",
        action="demo.sleep",
        args=[60],
        cron=YEARLY,
        timeout_seconds=300,
    )
    # Both workers read the queue this process writes to, and each runs a dispatcher.
    env = {"THX_CRON_QUEUE": settings.Q_CLUSTER["name"], "THX_CRON_LEASE_SECONDS": str(LEASE)}
    with (
        thx_process(["worker"], sqlite_url(), log=tmp_path / "a.log", **env) as first,
        thx_process(["worker"], sqlite_url(), log=tmp_path / "b.log", **env) as second,
    ):
        run = lifecycle.create_run(job)
        dispatch.enqueue_now(run)

        def running_group() -> int | None:
            run.refresh_from_db()
            return group_of(run.pid) if run.status == JobLog.Status.RUNNING else None

        group = wait_for(running_group, timeout=60)
        victim, survivor = (first, second) if group == first.pid else (second, first)
        assert group == victim.pid, f"run {run.pk} runs in group {group}, no worker of this test"
        os.killpg(victim.pid, signal.SIGKILL)
        killed_at = time.time()
        victim.wait(timeout=10)

        wait_for(lambda: webhook.received, timeout=LEASE + MARGIN)
        assert survivor.poll() is None, (tmp_path / "a.log").read_text(errors="replace")

    [hit] = webhook.received
    assert hit.at - killed_at <= LEASE + MARGIN
    assert "long-report" in hit.payload["title"] and "lost" in hit.payload["title"]
    run.refresh_from_db()
    assert run.status == JobLog.Status.LOST
    assert run.finished_at is not None
