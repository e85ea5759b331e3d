"""A cluster worker of thx-cron connects to the database as django-q2 spawns it, so that the
first run of a burst does not also pay for the connection and the first reads of its tables."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django_q.signals import post_spawn

from thx_cron.models import JobEvent, JobLog
from thx_cron.runner import execution

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def no_warm_up() -> Iterator[None]:
    post_spawn.disconnect(dispatch_uid="thx_cron.warm_worker")
    yield
    post_spawn.disconnect(dispatch_uid="thx_cron.warm_worker")


def spawn_worker() -> None:
    """What django-q2's worker process does first, before it takes its first task."""
    post_spawn.send(sender="django_q", proc_name="Process-1:1")


def test_a_worker_of_a_prepared_cluster_connects_when_spawned(no_warm_up):
    execution.prepare()  # thx_cron_queue, before it starts the cluster that forks the workers
    connections.close_all()  # as django-q2 does before it spawns a process
    with CaptureQueriesContext(connection) as queries:
        spawn_worker()
    assert connection.connection is not None
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert JobLog._meta.db_table in read and JobEvent._meta.db_table in read


def test_a_worker_of_another_cluster_is_left_alone(no_warm_up):
    # A host project's own clusters are not prepared: their workers connect when they need to.
    connections.close_all()
    spawn_worker()
    assert connection.connection is None


def test_a_worker_that_cannot_connect_logs_a_warning_and_starts(no_warm_up, caplog):
    execution.prepare()
    connections.close_all()
    name = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = "/nonexistent/directory/thx-cron.sqlite3"
    try:
        with caplog.at_level(logging.WARNING, logger="thx_cron.runner.execution"):
            spawn_worker()  # does not raise: django-q2 would lose the worker
    finally:
        connections.close_all()
        connection.settings_dict["NAME"] = name
    assert [record.levelname for record in caplog.records] == ["WARNING"]
    assert "could not connect ahead of its first run" in caplog.records[0].getMessage()
