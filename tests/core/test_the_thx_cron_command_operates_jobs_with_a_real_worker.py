"""Through the installed `thx-cron` command, with a real worker: trigger, follow, cancel, pause."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.processes import ROOT, process_env, sqlite_url, stop_group, thx_process, wait_for
from thx_cron.models import JobLog
from thx_cron_graphql.models import ApiToken

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

THX_CRON = str(Path(sys.executable).with_name("thx-cron"))


def thx_cron(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [THX_CRON, *args],
        env=process_env(sqlite_url()),
        cwd=str(ROOT),
        capture_output=True,
        text=True,
        timeout=60,
    )


class Tail:
    """`thx-cron runs --follow` in the background, its lines collected as they come."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [THX_CRON, "runs", "--follow", "--interval", "0.1", *args],
            env=process_env(sqlite_url()),
            cwd=str(ROOT),
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def has(self, text: str) -> bool:
        return any(text in line for line in self.lines)


def test_a_triggered_run_is_followed_live_and_logged_as_json_by_the_worker(make_job, tmp_path):
    job = make_job(name="greeter", action="tests.chatty", args=[3], cron="0 0 1 1 *")
    log = tmp_path / "worker.log"
    tail = Tail("--job", "greeter")
    try:
        with thx_process(
            ["worker"], sqlite_url(), log=log, LOG_LEVEL="INFO", THX_CRON_LOG_FORMAT="json"
        ):
            wait_for(lambda: tail.has("RUN"), timeout=30)  # the listing's header came first
            done = thx_cron("trigger", "greeter")
            assert done.returncode == 0, done.stderr
            run = JobLog.objects.get(job=job)
            assert done.stdout.strip() == f"run {run.pk} of job 'greeter' queued"
            wait_for(lambda: tail.has(f"run {run.pk}  greeter  succeeded"), timeout=60)
    finally:
        stop_group(tail.proc)  # type: ignore[arg-type]
    assert tail.has(f"run {run.pk}  greeter  started")
    assert tail.has(f"run {run.pk}  greeter  | line 2")
    entries = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    mine = [e for e in entries if e.get("run") == run.pk]
    assert [e["status"] for e in mine] == ["running", "succeeded"], entries
    started, finished = mine
    assert started["level"] == finished["level"] == "INFO"
    assert finished["job"] == "greeter" and finished["duration_seconds"] > 0
    assert finished["lateness_seconds"] >= 0
    assert f"run {run.pk} of job 'greeter' succeeded in" in finished["message"]


def test_cancel_stops_a_running_run_and_pause_and_resume_switch_the_job(make_job, tmp_path):
    job = make_job(name="spinner", action="tests.busy_loop", args=[60], cron="0 0 1 1 *")
    with thx_process(["worker"], sqlite_url(), log=tmp_path / "worker.log"):
        assert thx_cron("trigger", "spinner").returncode == 0
        run = JobLog.objects.get(job=job)
        wait_for(lambda: JobLog.objects.filter(pk=run.pk, status="running").exists(), 60)
        done = thx_cron("cancel", str(run.pk))
        assert done.returncode == 0, done.stderr
        assert "asked to stop" in done.stdout
        wait_for(lambda: JobLog.objects.filter(pk=run.pk, status="cancelled").exists(), 30)
    again = thx_cron("cancel", str(run.pk))
    assert again.returncode != 0 and "has already finished (cancelled)" in again.stderr

    assert thx_cron("pause", "spinner").stdout.strip() == f"job {job.pk} 'spinner' paused"
    job.refresh_from_db()
    assert not job.enabled
    assert "resumed; next run" in thx_cron("resume", str(job.pk)).stdout
    job.refresh_from_db()
    assert job.enabled


def test_token_list_shows_every_user_s_tokens_to_the_operator(user, other_user):
    ApiToken.issue(user, "laptop")
    ApiToken.issue(other_user, "ci")
    done = thx_cron("token", "list")
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    assert {(row[1], row[3]) for row in rows} == {
        (user.username, "laptop"),
        (other_user.username, "ci"),
    }
    only = thx_cron("token", "list", "--user", other_user.username)
    assert [line.split("\t")[3] for line in only.stdout.splitlines()] == ["ci"]
