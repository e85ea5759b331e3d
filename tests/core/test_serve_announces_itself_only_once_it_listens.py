"""`thx-cron serve` prints "serving on" only once its web process holds the port: on a port that
is taken it says why and exits non-zero, and starts nothing."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from tests.processes import ROOT, free_port, process_env, sqlite_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_serve_on_a_taken_port_exits_with_the_reason_and_never_says_serving():
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        done = subprocess.run(
            [sys.executable, "-m", "thx_cron", "serve", "--port", str(port)],
            env=process_env(sqlite_url()),
            cwd=str(ROOT),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 1
    assert "serving on" not in done.stdout
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
