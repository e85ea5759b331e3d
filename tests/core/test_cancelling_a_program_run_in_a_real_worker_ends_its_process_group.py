"""A real worker runs a program; cancelling the run ends the program and what it started."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.core.test_run_program_runs_allowed_executables_without_a_shell import alive, script
from tests.processes import sqlite_url, thx_process, wait_for
from thx_cron import dispatch, lifecycle
from thx_cron.models import JobLog

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_a_cancelled_program_run_ends_with_its_children(
    settings: Any, make_job: Any, tmp_path: Path
) -> None:
    settings.THX_CRON_ALLOWED_PROGRAMS = [f"{tmp_path}/*.sh"]
    program = script(
        tmp_path,
        "forever.sh",
        f"trap '' TERM\nsleep 300 &\necho $! > {tmp_path}/child.pid\n"
        f"echo $$ > {tmp_path}/main.pid\necho working\nwhile true; do sleep 0.1; done\n",
    )
    job = make_job(action="thx_cron.run_program", args=[program], cron="0 0 1 1 *")
    env = {"THX_CRON_ALLOWED_PROGRAMS": f"{tmp_path}/*.sh"}
    with thx_process(["worker"], sqlite_url(), log=tmp_path / "worker.log", **env):
        run = lifecycle.create_run(job, trigger=JobLog.Trigger.MANUAL)
        dispatch.enqueue_now(run)
        running = JobLog.objects.filter(pk=run.pk, status="running", output__contains="working")
        wait_for(running.exists, timeout=60)
        pids = [int((tmp_path / name).read_text()) for name in ("main.pid", "child.pid")]
        assert all(alive(pid) for pid in pids)
        lifecycle.cancel(JobLog.objects.get(pk=run.pk))
        wait_for(lambda: JobLog.objects.get(pk=run.pk).status == "cancelled", timeout=30)
        wait_for(lambda: not any(alive(pid) for pid in pids), timeout=10)
    assert JobLog.objects.get(pk=run.pk).output == "working\n"
