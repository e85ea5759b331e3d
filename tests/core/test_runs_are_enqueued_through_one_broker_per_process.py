"""thx-cron hands django-q2 one broker per queue and process instead of a new one per task."""

from __future__ import annotations

import os

import pytest

from thx_cron import brokers, dispatch, lifecycle

pytestmark = pytest.mark.django_db


def test_each_queue_has_one_broker_in_a_process():
    assert brokers.broker() is brokers.broker()
    assert brokers.broker("thx-cron-other") is brokers.broker("thx-cron-other")
    assert brokers.broker("thx-cron-other") is not brokers.broker()
    assert brokers.broker("thx-cron-other").list_key == "thx-cron-other"


def test_a_forked_child_makes_its_own_broker():
    # The object itself, not its id(): the child drops its inherited brokers, and a new one
    # could then be allocated at the address (and so with the id) of the one held here.
    parent = brokers.broker()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        try:
            os.write(write, b"own" if brokers.broker() is not parent else b"shared")
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    assert os.read(read, 16) == b"own"
    assert brokers.broker() is parent


def test_enqueued_runs_reach_the_queue_of_that_broker(make_job):
    job = make_job()
    queue = brokers.broker()
    before = queue.queue_size()
    for _ in range(3):
        assert dispatch.enqueue_now(lifecycle.create_run(job)) is not None
    assert queue.queue_size() == before + 3
