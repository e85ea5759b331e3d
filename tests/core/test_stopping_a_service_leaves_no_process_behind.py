"""`kill -TERM -- -<pgid>` (systemd, supervisord, `timeout`) or Ctrl-C's SIGINT to the whole
group of `thx-cron worker` or `thx-cron serve`: every process exits within the shutdown grace,
a running run is waited for, and one that outlasts the grace ends `lost`; no process remains.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.processes import free_port, sqlite_url, thx_process, wait_for
from thx_cron import lifecycle
from thx_cron.models import JobLog

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

GRACE = 3.0


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rfind(")") + 2 :].split()


def descendants(root: int) -> set[int]:
    """Every live process below `root`, in any process group."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        fields = _stat(int(entry.name))
        if fields and fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if (fields := _stat(pid)) is not None and fields[0] != "Z"}


def status_of(run: JobLog) -> str:
    return JobLog.objects.values_list("status", flat=True).get(pk=run.pk)


def signal_group_until_gone(
    proc: subprocess.Popen[bytes], sig: int, times: int = 3
) -> tuple[float, set[int]]:
    """Signal the group `times` times, 0.3 s apart; return how long the root took to exit and
    the processes that were running below it."""
    tree = descendants(proc.pid)
    started = time.monotonic()
    for _ in range(times):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        time.sleep(0.3)
    proc.wait(timeout=GRACE + 40)
    took = time.monotonic() - started
    # The supervisor has reaped its children; give init a moment to reap any orphan.
    time.sleep(0.5)
    return took, tree


def worker(tmp_path: Path, name: str) -> object:
    return thx_process(
        ["worker"],
        sqlite_url(),
        log=tmp_path / f"{name}.log",
        THX_CRON_SHUTDOWN_GRACE=str(GRACE),
        THX_CRON_LEASE_SECONDS="30",
    )


def test_sigterm_to_a_worker_s_group_repeatedly_ends_every_process_and_a_long_run_ends_lost(
    make_job, tmp_path
):
    job = make_job(action="demo.sleep", args=[60], cron="0 0 1 1 *", timeout_seconds=120)
    run = lifecycle.create_run(job)
    with worker(tmp_path, "worker") as proc:
        wait_for(lambda: status_of(run) == "running", timeout=60)
        took, tree = signal_group_until_gone(proc, signal.SIGTERM)
        assert len(tree) >= 4  # the cluster child, its sentinel, workers, monitor, pusher
        assert alive(tree) == set()
    assert proc.returncode == 0
    assert took < GRACE + 30
    run.refresh_from_db()
    assert run.status == "lost"
    assert "was killed" in run.error and f"{GRACE:g} s grace" in run.error


def test_a_run_that_ends_within_the_grace_is_waited_for_and_succeeds(make_job, tmp_path):
    job = make_job(action="demo.sleep", args=[1.5], cron="0 0 1 1 *")
    run = lifecycle.create_run(job)
    with worker(tmp_path, "worker") as proc:
        wait_for(lambda: status_of(run) == "running", timeout=60)
        _, tree = signal_group_until_gone(proc, signal.SIGTERM, times=1)
        assert alive(tree) == set()
    assert status_of(run) == "succeeded"


def test_a_worker_stopped_again_and_again_even_while_starting_leaves_nothing(tmp_path):
    for attempt, pause in enumerate((0.3, 1.5, 4.0)):
        with worker(tmp_path, f"worker-{attempt}") as proc:
            time.sleep(pause)  # during startup, while the cluster starts, once it runs
            wait_for(lambda: descendants(proc.pid) or proc.poll() is not None, timeout=30)
            _, tree = signal_group_until_gone(proc, signal.SIGTERM)
            wait_for(lambda tree=tree: not alive(tree), timeout=10)


def test_sigint_to_serve_s_group_ends_the_web_server_the_worker_and_their_children(
    make_job, tmp_path
):
    job = make_job(action="demo.sleep", args=[60], cron="0 0 1 1 *", timeout_seconds=120)
    run = lifecycle.create_run(job)
    port = free_port()
    serve = thx_process(
        ["serve", "--port", str(port)],
        sqlite_url(),
        log=tmp_path / "serve.log",
        THX_CRON_SHUTDOWN_GRACE=str(GRACE),
        THX_CRON_LEASE_SECONDS="30",
    )
    with serve as proc:
        wait_for(lambda: status_of(run) == "running", timeout=90)
        wait_for(lambda: b"serving on" in (tmp_path / "serve.log").read_bytes(), timeout=30)
        took, tree = signal_group_until_gone(proc, signal.SIGINT)
        assert len(tree) >= 6  # web, worker, and the worker's cluster
        assert alive(tree) == set()
    assert took < GRACE + 30
    assert status_of(run) == "lost"


def test_a_worker_killed_outright_while_its_clusters_start_leaves_nothing(tmp_path):
    # SIGKILL reaches the worker alone, as soon as its cluster children exist (still setting up
    # Django): each child must notice its supervisor is gone and take its own group down.
    from thx_cron.processes import process_group

    def cluster_children(root: int) -> set[int]:
        """The worker's cluster children once each leads its own group (still starting)."""
        found = {
            pid
            for pid in descendants(root)
            if (fields := _stat(pid))
            and int(fields[2]) == pid
            and b"thx_cron_queue" in Path(f"/proc/{pid}/cmdline").read_bytes()
        }
        return found if len(found) == 2 else set()  # the runs' queue and the notifications'

    with worker(tmp_path, "killed") as proc:
        groups = wait_for(lambda: cluster_children(proc.pid), timeout=60, interval=0.01)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    try:
        assert all(process_group.members(pgid) for pgid in groups)  # they outlived the worker
        wait_for(lambda: not any(process_group.members(pgid) for pgid in groups), timeout=60)
    finally:
        for pgid in groups:
            process_group.kill(pgid)  # what a failure left behind


def test_a_worker_killed_outright_while_its_clusters_stop_leaves_nothing(make_job, tmp_path):
    # A service manager sends SIGTERM to the worker alone, then SIGKILL when its own stop
    # timeout ends, before the worker's shutdown grace: the cluster children are then waiting
    # for a running run in django-q2's stop and must still take their groups down.
    from thx_cron.processes import process_group

    job = make_job(action="demo.sleep", args=[60], cron="0 0 1 1 *", timeout_seconds=120)
    run = lifecycle.create_run(job)
    slow_to_stop = thx_process(
        ["worker"],
        sqlite_url(),
        log=tmp_path / "worker.log",
        THX_CRON_SHUTDOWN_GRACE="90",
        THX_CRON_LEASE_SECONDS="30",
    )
    with slow_to_stop as proc:
        wait_for(lambda: status_of(run) == "running", timeout=60)
        tree = descendants(proc.pid)
        # The cluster children: each leads a process group of its own.
        groups = {pid for pid in tree if (fields := _stat(pid)) and int(fields[2]) == pid}
        assert len(groups) == 2  # the runs' queue and the notifications'
        os.kill(proc.pid, signal.SIGTERM)
        time.sleep(2)  # the clusters are stopping, the run still sleeping
        assert status_of(run) == "running"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    try:
        wait_for(lambda: not alive(tree), timeout=15)
    finally:
        for pgid in groups:
            process_group.kill(pgid)  # what a failure left behind
