"""The `thx-cron` command (as `python -m thx_cron`) against the test database."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.processes import ROOT, process_env, sqlite_url
from thx_cron.models import JobLog

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def thx_cron(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "thx_cron", *args],
        env=process_env(sqlite_url()),
        cwd=str(ROOT),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_run_prints_the_jobs_output_and_exits_zero(make_job):
    job = make_job(name="greeter", action="tests.chatty", args=[2])
    done = thx_cron("run", "greeter")
    assert done.returncode == 0, done.stderr
    assert "line 0\nline 1\n" in done.stdout
    run = JobLog.objects.get(job=job)
    assert (run.status, run.trigger, run.result) == ("succeeded", "manual", "done")
    assert f"run {run.pk} succeeded" in done.stdout


def test_run_of_a_failing_job_prints_the_error_and_exits_non_zero(make_job):
    make_job(name="breaker", action="demo.fail", args=["it broke"])
    done = thx_cron("run", "breaker")
    assert done.returncode != 0
    assert "job 'breaker' failed: DemoFailure: it broke" in done.stderr


def test_run_of_an_unknown_job_says_so_and_exits_non_zero(db):
    done = thx_cron("run", "no-such-job")
    assert done.returncode != 0
    assert "job: no job with id or name 'no-such-job'." in done.stderr
    assert not JobLog.objects.exists()


def test_jobs_lists_each_job_with_its_next_run_and_last_status(make_job):
    job = make_job(name="nightly-report", cron="0 3 * * *")
    done = thx_cron("jobs")
    assert done.returncode == 0, done.stderr
    header, row = (re.split(r"\s{2,}", line) for line in done.stdout.splitlines())
    assert header == ["ID", "NAME", "ENABLED", "SCHEDULE", "NEXT RUN", "LAST STATUS"]
    assert row == [
        str(job.pk),
        "nightly-report",
        "yes",
        "At 03:00 AM (UTC)",
        job.next_run_at.isoformat(timespec="seconds"),
        "-",
    ]


def test_check_passes_with_the_standalone_settings(db):
    done = thx_cron("check")
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_an_unknown_subcommand_fails_with_djangos_message(db):
    done = thx_cron("no-such-command")
    assert done.returncode != 0
    assert "Unknown command: 'no-such-command'" in done.stderr
