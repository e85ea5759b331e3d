"""A cluster worker of thx-cron connects to the database and makes its channel layer as
django-q2 spawns it, so that the first run of a burst does not also pay for the connection, the
first reads of its tables, or the layer that wakes subscription readers (channels-redis and
what it imports took 50-90 ms of the first run's commit)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django_q.signals import post_spawn

from thx_cron import wakeups
from thx_cron.models import JobEvent, JobLog
from thx_cron.processes.per_process import PerProcess
from thx_cron.runner import execution

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def no_warm_up() -> Iterator[None]:
    post_spawn.disconnect(dispatch_uid="thx_cron.warm_worker")
    yield
    post_spawn.disconnect(dispatch_uid="thx_cron.warm_worker")


# Made, not connected: nothing in these tests sends, so no server needs to listen there.
REDIS_LAYER = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": ["redis://127.0.0.1:9/0"]},
    }
}


@pytest.fixture
def fresh_waker(monkeypatch: pytest.MonkeyPatch) -> PerProcess[wakeups._Waker]:
    """A waker of this process not made yet, as in a newly spawned worker."""
    waker = PerProcess(wakeups._Waker)
    monkeypatch.setattr(wakeups, "_waker", waker)
    return waker


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


def test_a_worker_of_a_prepared_cluster_makes_its_channel_layer_when_spawned(
    no_warm_up, fresh_waker, settings, monkeypatch
):
    settings.CHANNEL_LAYERS = REDIS_LAYER
    from channels.layers import channel_layers, get_channel_layer

    execution.prepare()
    spawn_worker()
    assert fresh_waker._instance is not None  # the thread that sends wake-ups runs already

    def made_at_first_run(name: str) -> None:
        raise AssertionError(f"the channel layer {name!r} was made at the first wake-up")

    monkeypatch.setattr(channel_layers, "make_backend", made_at_first_run)
    layer = get_channel_layer()
    assert type(layer).__name__ == "RedisChannelLayer"
    wakeups.wake_readers(1)  # what a run's first commit does: it finds both made


def test_a_worker_with_the_in_memory_layer_starts_no_wake_up_thread(
    no_warm_up, fresh_waker, settings
):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    execution.prepare()
    spawn_worker()
    assert fresh_waker._instance is None  # its readers share the process: nothing to send


def test_a_prepared_cluster_imports_the_channel_layer_before_it_forks_workers():
    # In a fresh interpreter: the worker processes forked after prepare() inherit the module.
    code = textwrap.dedent(
        f"""
        import sys
        import django
        from django.conf import settings
        django.setup()
        settings.CHANNEL_LAYERS = {REDIS_LAYER!r}
        from thx_cron.runner import execution
        before = "channels_redis.core" in sys.modules
        execution.prepare()
        print(before, "channels_redis.core" in sys.modules)
        """
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True"]


def test_a_worker_whose_channel_layer_cannot_be_made_logs_a_warning_and_starts(
    no_warm_up, fresh_waker, settings, caplog
):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "no.such.ChannelLayer"}}
    execution.prepare()
    with caplog.at_level(logging.WARNING, logger="thx_cron.runner.execution"):
        spawn_worker()  # does not raise: django-q2 would lose the worker
    messages = [record.getMessage() for record in caplog.records]
    assert any("could not make its channel layer" in message for message in messages), messages
    assert {record.levelname for record in caplog.records} == {"WARNING"}


def test_a_worker_of_a_prepared_cluster_starts_its_heartbeat_thread_when_spawned(
    no_warm_up, monkeypatch
):
    from thx_cron.runner import heartbeat

    beater = PerProcess(heartbeat._Beater)
    monkeypatch.setattr(heartbeat, "_beater", beater)
    execution.prepare()
    spawn_worker()
    assert beater._instance is not None  # the first run's heartbeat finds it running
