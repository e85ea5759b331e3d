"""Start real thx-cron processes (worker, web) for tests, and stop them whatever happens."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def sqlite_url() -> str:
    """The URL of the test database this test runs on (a file, shared with child processes)."""
    return f"sqlite:///{connection.settings_dict['NAME']}"


def process_env(database_url: str, **extra: str) -> dict[str, str]:
    tmp = os.environ.get("THX_CRON_TEST_TMP", "/tmp")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.process_settings",
        "DATABASE_URL": database_url,
        "THX_CRON_DATA_DIR": os.path.join(tmp, "data"),
        "SECRET_KEY": "thx-cron-tests",
        "PYTHONPATH": str(ROOT),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("THX_CRON_REDIS_URL", None)
    env.update(extra)
    return env


@contextmanager
def thx_process(
    args: list[str], database_url: str, log: Path | None = None, **extra: str
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `python -m thx_cron ARGS` in its own process group; stop the group on exit."""
    out = open(log, "wb") if log else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "thx_cron", *args],
        env=process_env(database_url, **extra),
        cwd=str(ROOT),
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield proc
    finally:
        stop_group(proc)
        if log:
            out.close()  # type: ignore[union-attr]


def stop_group(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM, wait: float = 15) -> None:
    """Stop a process and its children (django-q2 forks a sentinel and workers)."""
    if proc.poll() is not None:
        _kill_group(proc.pid, signal.SIGKILL)
        return
    _kill_group(proc.pid, sig)
    try:
        proc.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        pass
    _kill_group(proc.pid, signal.SIGKILL)
    proc.wait(timeout=5)


def _kill_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass


def wait_for(predicate: Callable[[], Any], timeout: float, interval: float = 0.1) -> Any:
    """Return the first truthy value of `predicate()`, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def service_group_of(pid: int | None) -> int | None:
    """The process group of the `thx-cron` service that `pid` (a django-q2 worker) belongs to:
    a worker runs each cluster in a group of its own, led by a child of the worker."""
    if not pid:
        return None
    try:
        group = os.getpgid(pid)
        stat = Path(f"/proc/{group}/stat").read_text()
        command = Path(f"/proc/{group}/cmdline").read_bytes()
        parent = int(stat[stat.rfind(")") + 2 :].split()[1])
        if b"thx_cron_queue" in command:
            return os.getpgid(parent)
        return group
    except (OSError, ValueError):
        return None
