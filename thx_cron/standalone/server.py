"""The standalone server: the ASGI web process, and `serve`, which supervises web + worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from types import FrameType

# Served when the project names no ASGI_APPLICATION: the project's Django views (its
# ROOT_URLCONF, where thx-cron's URLs are included) and the GraphQL WebSocket, on one port.
DEFAULT_ASGI_APPLICATION = "thx_cron_graphql.asgi.application"


def asgi_application_path() -> str:
    """The dotted path of the ASGI application to serve."""
    from django.conf import settings

    return str(getattr(settings, "ASGI_APPLICATION", None) or DEFAULT_ASGI_APPLICATION)


def run_web(host: str, port: int, workers: int = 1) -> None:
    """Serve HTTP and WebSocket on one port with uvicorn."""
    import uvicorn

    module, _, attribute = asgi_application_path().rpartition(".")
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
    problem = _cannot_listen(host, port)
    if problem:
        print(f"thx-cron: cannot listen on {host}:{port}: {problem}", file=sys.stderr, flush=True)
        return 1
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
    announced = False
    status = 0
    while not stopping:
        if not announced and _accepts(host, port):
            # Only once the web process holds the port: a failed bind never looks like success.
            print(f"thx-cron serving on http://{host}:{port}/graphql (admin: /admin/)", flush=True)
            announced = True
        exited = [child for child in children if child.poll() is not None]
        if exited:
            status = exited[0].returncode or 1
            break
        time.sleep(0.2)
    from thx_cron.conf import thx_settings

    grace = thx_settings.SHUTDOWN_GRACE
    running = _running_runs()
    if running:
        print(
            f"thx-cron stopping: waiting up to {grace:g} s for {running} running run(s)", flush=True
        )
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    # The worker lets runs finish within the grace, then kills what is left and ends its runs.
    deadline = time.monotonic() + grace + 15
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
    return 0 if stopping else status


def _accepts(host: str, port: int) -> bool:
    """Whether something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def _cannot_listen(host: str, port: int) -> str:
    """Why binding host:port fails (empty when it would succeed)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(infos[0][4])
    except OSError as exc:
        return exc.strerror or str(exc)
    return ""


def _running_runs() -> int:
    """Return how many runs are running now (what the worker waits for when it stops)."""
    try:
        from thx_cron.models import JobLog

        return JobLog.objects.running().count()
    except Exception:  # the database may be what is failing; stopping must go on
        return 0
