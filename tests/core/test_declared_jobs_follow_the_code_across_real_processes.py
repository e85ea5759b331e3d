"""Real processes: a declared job appears on migrate and runs, follows its code on a worker
restart, is disabled when removed (its runs kept), and `jobs sync --check` fails on drift."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import ROOT, process_env, sqlite_url, thx_process, wait_for
from thx_cron.models import Job, JobLog

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

TICK = '[jobs.tick]\naction = "demo.echo"\nargs = ["tick"]\nevery = 1\n'


def thx(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "thx_cron", *args],
        env=process_env(sqlite_url(), **env),
        cwd=str(ROOT),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_declared_jobs_follow_their_declarations(tmp_path: Path) -> None:
    jobs_file = tmp_path / "jobs.toml"
    jobs_file.write_text(TICK)
    env = {
        "THX_CRON_JOBS_FILE": str(jobs_file),
        "THX_CRON_ACTION_MODULES": "tests.declared_jobs",
        "THX_CRON_TEST_DECLARED_CRON": "0 2 * * *",
    }
    migrated = thx(["migrate"], **env)
    assert migrated.returncode == 0, migrated.stderr
    assert set(Job.objects.values_list("key", "declared")) == {
        ("tick", True),
        ("tests.report", True),
    }
    report = Job.objects.get(key="tests.report")
    assert (report.cron, report.timezone, report.max_retries) == ("0 2 * * *", "Europe/Rome", 2)
    first_next_run = report.next_run_at

    ticks = JobLog.objects.filter(job__key="tick", status="succeeded")
    with thx_process(["worker"], sqlite_url(), log=tmp_path / "worker1.log", **env):
        wait_for(lambda: ticks.exists(), timeout=60)
    assert ticks.first().output == "tick\n"

    changed = {**env, "THX_CRON_TEST_DECLARED_CRON": "30 5 * * *"}
    check = thx(["jobs", "sync", "--check"], **changed)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "'0 2 * * *' -> '30 5 * * *'" in check.stdout
    assert Job.objects.get(key="tests.report").cron == "0 2 * * *"  # --check writes nothing

    with thx_process(["worker"], sqlite_url(), log=tmp_path / "worker2.log", **changed):
        wait_for(lambda: Job.objects.get(key="tests.report").cron == "30 5 * * *", timeout=60)
    report.refresh_from_db()
    assert report.next_run_at != first_next_run
    assert (report.next_run_at.minute, Job.objects.count()) == (30, 2)
    assert thx(["jobs", "sync", "--check"], **changed).returncode == 0

    jobs_file.write_text("")
    runs_before = ticks.count()
    synced = thx(["jobs", "sync"], **changed)
    assert synced.returncode == 0, synced.stderr
    assert "disable 'tick'" in synced.stdout
    tick = Job.objects.get(key="tick")
    assert not tick.enabled and not tick.declared
    assert ticks.count() >= runs_before > 0


def test_a_worker_does_not_start_with_a_bad_jobs_file(tmp_path: Path) -> None:
    jobs_file = tmp_path / "jobs.toml"
    jobs_file.write_text('[jobs.backup]\naction = "demo.echo"\nargs = ["x"]\ncron = "0 2 * *"\n')
    started = thx(["worker"], THX_CRON_JOBS_FILE=str(jobs_file))
    assert started.returncode != 0
    assert "thx_cron.E020" in started.stderr
    assert f"jobs file {jobs_file} [jobs.backup]: cron" in started.stderr
    assert "Traceback" not in started.stderr
    assert not Job.objects.exists()
