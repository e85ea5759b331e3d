"""The standalone server: the ASGI web process, and `serve`, which supervises web + worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from types import FrameType


def run_web(host: str, port: int, workers: int = 1) -> None:
    """Serve HTTP and WebSocket on one port with uvicorn."""
    import uvicorn
    from django.conf import settings

    module, _, attribute = settings.ASGI_APPLICATION.rpartition(".")
    uvicorn.run(
        f"{module}:{attribute}",
        host=host,
        port=port,
        workers=workers,
        lifespan="off",
        log_level=os.environ.get("LOG_LEVEL", "info").lower(),
    )


def serve(host: str, port: int) -> int:
    """Run `thx-cron web` and `thx-cron worker` as children until one exits or we are stopped."""
    command = [sys.executable, "-m", "thx_cron"]
    children = [
        subprocess.Popen([*command, "web", "--host", host, "--port", str(port)]),
        subprocess.Popen([*command, "worker"]),
    ]
    stopping = False

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    # Said once the web process listens, so that a failure to start never follows the banner.
    if _until_listening(host, port, children, lambda: stopping):
        print(f"thx-cron serving on http://{host}:{port}/graphql (admin: /admin/)", flush=True)
    status = 0
    while not stopping:
        exited = [child for child in children if child.poll() is not None]
        if exited:
            status = exited[0].returncode or 1
            break
        time.sleep(0.2)
    running = _running_runs()
    if running:
        print(f"thx-cron stopping: waiting up to 30 s for {running} running run(s)", flush=True)
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 30
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
    return 0 if stopping else status


def _until_listening(
    host: str, port: int, children: list[subprocess.Popen[bytes]], stopped: Callable[[], bool]
) -> bool:
    """Wait until `host`:`port` accepts connections; False if a child exits or we are stopped."""
    while not stopped() and all(child.poll() is None for child in children):
        try:
            with socket.create_connection(
                (host if host not in ("", "0.0.0.0", "::") else "127.0.0.1", port), timeout=1
            ):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def _running_runs() -> int:
    """Return how many runs are running now (what the worker waits for when it stops)."""
    try:
        from thx_cron.models import JobLog

        return JobLog.objects.running().count()
    except Exception:  # the database may be what is failing; stopping must go on
        return 0
