"""An event's own `status` is the state at the event, even when its `log` has moved on."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from strawberry.relay import to_base64

from tests.graphql.ws import connect, receive_events, start
from thx_cron import lifecycle
from thx_cron.models import Job
from thx_cron_graphql.models import ApiToken

pytestmark = pytest.mark.django_db(transaction=True)

WITH_STATUS = """subscription($after: ID) { jobLogEvents(afterEventId: $after) {
    kind status log { status } } }"""


def run_once(job: Job) -> None:
    run = lifecycle.create_run(job)
    job.start(run)
    job.complete(run, "ok")


async def test_replayed_events_say_queued_running_and_succeeded(make_job: Any, user: Any) -> None:
    job = await database_sync_to_async(make_job)(owner=user)
    await database_sync_to_async(run_once)(job)
    token = await database_sync_to_async(lambda: ApiToken.issue(user, "ws")[1])()
    socket = await connect(token)
    await start(socket, {"after": "0"}, query=WITH_STATUS)
    events = await receive_events(socket, 3)
    await socket.disconnect()
    assert [(e["kind"], e["status"]) for e in events] == [
        ("QUEUED", "QUEUED"),
        ("STARTED", "RUNNING"),
        ("SUCCEEDED", "SUCCEEDED"),
    ]
    # The run itself has finished by now, which is what `log` shows for every event.
    assert {e["log"]["status"] for e in events} == {"SUCCEEDED"}


def test_cancel_run_answers_with_cancel_requested(alice: Any, user: Any, make_job: Any) -> None:
    job = make_job(owner=user)
    run = lifecycle.create_run(job)
    assert lifecycle.start(job, run) is not None
    answer = alice.data(
        "mutation($id: ID!) { cancelRun(id: $id) { ... on JobLog { status cancelRequested } } }",
        {"id": to_base64("JobLog", run.pk)},
    )
    assert answer["cancelRun"] == {"status": "RUNNING", "cancelRequested": True}
