"""Shared plumbing for benchmark scripts: a fresh data dir, Django setup, child processes."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def prepare(database_url: str | None = None, redis_url: str | None = None) -> Path:
    """Point this process (and its children) at a fresh data dir, migrate, and set up Django."""
    data_dir = Path(tempfile.mkdtemp(prefix="thx-cron-bench-"))
    os.environ["THX_CRON_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    os.environ["PYTHONPATH"] = str(ROOT)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["THX_CRON_BENCH_PROBE"] = str(data_dir / "probe.log")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    if redis_url:
        os.environ["THX_CRON_REDIS_URL"] = redis_url
    sys.path.insert(0, str(ROOT))  # scripts run from benchmarks/; settings import by package
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return data_dir


@contextmanager
def process(
    *args: str, log: Path | None = None, env: Mapping[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `python -m thx_cron ARGS` in its own process group until the block ends.

    `env` replaces this process's environment for the child (default: inherited).
    """
    with command([sys.executable, "-m", "thx_cron", *args], log=log, env=env) as proc:
        yield proc


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def stop_children_on_sigterm() -> None:
    """Let SIGTERM end this script as Ctrl-C does, through its `finally` blocks, so that the
    process groups it started are stopped too (Python's default for SIGTERM skips them)."""
    if threading.current_thread() is threading.main_thread():
        if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _exit_on_sigterm)


@contextmanager
def command(
    argv: Sequence[str],
    *,
    log: Path | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path = ROOT,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `argv` in its own process group; at the end (or on an error, or Ctrl-C) stop the
    whole group: SIGTERM, then SIGKILL if it is still there after 15 s; a SIGTERM to this
    script does the same (see stop_children_on_sigterm)."""
    stop_children_on_sigterm()
    out = open(log, "wb") if log else subprocess.DEVNULL
    proc = subprocess.Popen(
        list(argv),
        cwd=str(cwd),
        stdout=out,
        stderr=subprocess.STDOUT,
        env=dict(env) if env is not None else None,
        start_new_session=True,
    )
    try:
        yield proc
    finally:
        stop_group(proc)
        if log:
            out.close()  # type: ignore[union-attr]


def stop_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group of `proc`, then SIGKILL what is left of it."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        if sig == signal.SIGTERM:
            # The leader is gone; children it left behind in the group get the same end.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        break


def read_probe(path: Path) -> list[tuple[float, str]]:
    from probe import read

    return read(str(path))


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(values: list[float]) -> str:
    return (
        f"n={len(values)} p50={statistics.median(values):.3f}s "
        f"p99={percentile(values, 99):.3f}s max={max(values):.3f}s"
    )
