"""A worker's django-q2 cluster runs in a child process: one that dies is restarted and runs go
on; one that keeps dying stops the worker with an error, never a worker serving nothing."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from tests.processes import sqlite_url, thx_process, wait_for
from thx_cron import lifecycle
from thx_cron.models import JobLog

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def queue_children(parent: int) -> list[int]:
    """The pids of `parent`'s thx_cron_queue children."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[1]) == parent and fields[0] != "Z" and b"thx_cron_queue" in command:
            found.append(int(entry.name))
    return found


def kill_cluster(pid: int) -> None:
    os.killpg(pid, signal.SIGKILL)  # the child leads a group: it, its sentinel and workers


def test_a_killed_cluster_is_restarted_and_the_next_run_succeeds(make_job, tmp_path):
    job = make_job(action="demo.echo", args=["again"], cron="0 0 1 1 *")
    log = tmp_path / "worker.log"
    with thx_process(["worker"], sqlite_url(), log=log) as worker:
        first = wait_for(lambda: queue_children(worker.pid), timeout=30)
        kill_cluster(first[0])
        wait_for(lambda: queue_children(worker.pid) not in ([], first), timeout=30)
        run = lifecycle.create_run(job)
        wait_for(
            lambda: JobLog.objects.get(pk=run.pk).status == JobLog.Status.SUCCEEDED, timeout=60
        )
        assert worker.poll() is None
    assert "restarting it" in log.read_text()


def test_a_cluster_that_keeps_dying_stops_the_worker_with_an_error(tmp_path):
    log = tmp_path / "worker.log"
    killed: set[int] = set()

    def fresh_children() -> list[int] | bool:
        if worker.poll() is not None:
            return True
        return [pid for pid in queue_children(worker.pid) if pid not in killed]

    with thx_process(["worker"], sqlite_url(), log=log) as worker:
        for _ in range(12):
            children = wait_for(fresh_children, timeout=30)
            if children is True:
                break
            for pid in children:  # type: ignore[union-attr]
                kill_cluster(pid)
                killed.add(pid)
        worker.wait(timeout=60)
    assert worker.returncode == 1
    text = log.read_text()
    assert "CRITICAL" in text and "times within 60 s" in text
