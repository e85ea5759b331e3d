"""The installed `thx-cron` command: its version, help, usage lines, and clear refusals."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import ROOT, free_port, process_env, sqlite_url
from thx_cron.models import JobLog

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

THX_CRON = str(Path(sys.executable).with_name("thx-cron"))


def thx_cron(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [THX_CRON, *args],
        env=process_env(sqlite_url()),
        cwd=str(ROOT),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_version_prints_thx_cron_s_version_not_django_s(db):
    from importlib.metadata import version

    import django

    for args in (["--version"], ["serve", "--version"]):
        done = thx_cron(*args)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == f"thx-cron {version('thx-cron')}"
        assert django.get_version() not in done.stdout


def test_the_command_alone_prints_help_and_exits_with_status_2(db):
    done = thx_cron()
    assert done.returncode == 2
    assert "usage: thx-cron COMMAND" in done.stderr and "serve" in done.stderr


def test_usage_lines_use_the_public_command_names(db):
    for args, usage in (
        (["token", "list", "--help"], "usage: thx-cron token list"),
        (["runs", "--help"], "usage: thx-cron runs"),
        (["serve", "--help"], "usage: thx-cron serve"),
    ):
        done = thx_cron(*args)
        assert done.returncode == 0, done.stderr
        assert usage in done.stdout
        assert "thx_cron_" not in done.stdout


def test_serve_help_describes_its_options_with_their_defaults(db):
    done = thx_cron("serve", "--help")
    assert "address to listen on (default: 127.0.0.1)" in " ".join(done.stdout.split())
    assert "TCP port to listen on (default: 8000)" in " ".join(done.stdout.split())


def test_a_port_out_of_range_is_refused_before_anything_starts(db):
    done = thx_cron("serve", "--port", "99999")
    assert done.returncode == 2
    assert "--port: must be from 1 to 65535 (got 99999)" in done.stderr
    assert "serving on" not in done.stdout and "Traceback" not in done.stderr


def test_a_port_in_use_fails_without_announcing_that_it_serves(db):
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        done = thx_cron("serve", "--port", str(port))
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "serving on" not in done.stdout and "Traceback" not in done.stderr


def test_bad_names_and_ids_exit_non_zero_with_a_message_and_no_traceback(make_job):
    make_job(name="known")
    for args, message in (
        (["pause", "unknown"], "job: no job with id or name 'unknown'."),
        (["trigger", "unknown"], "job: no job with id or name 'unknown'."),
        (["cancel", "twelve"], "run: a run is named by its id, a number (got 'twelve')."),
        (["cancel", "999999"], "run: no run with id 999999."),
        (["runs", "--status", "bogus"], "invalid choice: 'bogus'"),
        (["runs", "--limit", "0"], "--limit: must be at least 1 (got 0)"),
        (["token", "list", "--user", "nobody"], "--user: no user named 'nobody'."),
    ):
        done = thx_cron(*args)
        assert done.returncode != 0, args
        assert message in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr
    assert not JobLog.objects.exists()


def test_a_failed_run_in_the_foreground_queues_no_retry(make_job):
    job = make_job(name="breaker", action="demo.fail", args=["it broke"], max_retries=3)
    done = thx_cron("run", "breaker")
    assert done.returncode != 0
    assert list(JobLog.objects.filter(job=job).values_list("status", flat=True)) == ["failed"]
