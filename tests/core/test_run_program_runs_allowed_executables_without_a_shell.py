"""`thx_cron.run_program` runs real scripts: both streams captured, exit code, process groups."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tests.processes import wait_for
from thx_cron import lifecycle
from thx_cron.models import Job
from thx_cron.runner import execution

# Runs beat from the heartbeat thread, which must see the rows: no test transaction around them.
pytestmark = pytest.mark.django_db(transaction=True)


def script(folder: Path, name: str, body: str) -> str:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def alive(pid: int) -> bool:
    """A process that exists and is not a zombie waiting for its parent."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


@pytest.fixture
def programs(settings: Any, tmp_path: Path) -> Path:
    settings.THX_CRON_ALLOWED_PROGRAMS = [f"{tmp_path}/*.sh"]
    settings.THX_CRON_PROGRAM_KILL_GRACE = 0.5
    return tmp_path


def test_both_streams_are_captured_in_order_and_a_non_zero_exit_fails_the_run(
    programs: Path, make_job: Any
) -> None:
    program = script(
        programs,
        "report.sh",
        "echo 'out 1'\nsleep 0.2\necho 'err 1' >&2\nsleep 0.2\n"
        "echo 'out 2'\nsleep 0.2\necho 'err 2' >&2\nexit 3\n",
    )
    job = make_job(action="thx_cron.run_program", args=[], kwargs={"program": program})
    run = execution.execute_run(lifecycle.create_run(job))
    assert run.status == "failed"
    assert run.output == "out 1\nerr 1\nout 2\nerr 2\n"
    assert run.result["exit_code"] == 3
    assert "exited with code 3" in run.error and run.error.endswith("err 1\nerr 2")


def test_a_successful_program_records_its_exit_code_and_gets_only_its_env(
    programs: Path, make_job: Any, monkeypatch: Any
) -> None:
    monkeypatch.setenv("THX_CRON_TEST_SECRET", "do-not-pass")
    program = script(
        programs, "env.sh", 'echo "$1 $GREETING ${THX_CRON_TEST_SECRET:-unset}"; pwd\n'
    )
    job = make_job(
        action="thx_cron.run_program",
        args=[program],
        kwargs={"args": ["a b;c"], "env": {"GREETING": "hello"}, "cwd": str(programs)},
    )
    run = execution.execute_run(lifecycle.create_run(job))
    assert run.status == "succeeded", run.error
    assert run.output == f"a b;c hello unset\n{programs}\n"  # one argument, no shell
    assert run.result["exit_code"] == 0


def test_a_program_ignoring_sigterm_is_killed_at_the_timeout_with_its_children(
    programs: Path, make_job: Any
) -> None:
    program = script(
        programs,
        "stubborn.sh",
        f"trap '' TERM\nsleep 300 &\necho $! > {programs}/child.pid\n"
        f"echo $$ > {programs}/main.pid\necho started\nwhile true; do sleep 0.1; done\n",
    )
    job = make_job(
        action="thx_cron.run_program", args=[], kwargs={"program": program}, timeout_seconds=1
    )
    started = time.monotonic()
    run = execution.execute_run(lifecycle.create_run(job))
    assert run.status == "timed_out"
    assert run.output == "started\n"
    assert time.monotonic() - started < 30
    pids = [int((programs / name).read_text()) for name in ("main.pid", "child.pid")]
    wait_for(lambda: not any(alive(pid) for pid in pids), timeout=5)


def test_the_programs_own_timeout_stops_it_too(programs: Path, make_job: Any) -> None:
    program = script(programs, "slow.sh", f"echo $$ > {programs}/main.pid\nexec sleep 300\n")
    job = make_job(action="thx_cron.run_program", args=[program], kwargs={"timeout": 0.5})
    run = execution.execute_run(lifecycle.create_run(job))
    assert run.status == "timed_out" and "0.5 s" in run.error
    assert not alive(int((programs / "main.pid").read_text()))


@pytest.mark.parametrize(
    ("program", "words"),
    [
        ("/bin/sh", "not in THX_CRON_ALLOWED_PROGRAMS"),
        ("backup.sh", "relative path"),
        ("/opt/backup.sh; rm -rf /", "without a shell"),
        ("/opt/backup.sh --full", "without a shell"),
    ],
)
def test_refused_programs_are_errors_on_the_field_at_save(
    settings: Any, make_job: Any, program: str, words: str
) -> None:
    settings.THX_CRON_ALLOWED_PROGRAMS = ["/opt/*.sh"]
    with pytest.raises(ValidationError) as caught:
        make_job(action="thx_cron.run_program", args=[], kwargs={"program": program})
    assert words in " ".join(caught.value.message_dict["kwargs"])
    assert not Job.objects.exists()


def test_a_pattern_matches_within_one_folder_only(settings: Any, make_job: Any) -> None:
    settings.THX_CRON_ALLOWED_PROGRAMS = ["/opt/jobs/*"]
    make_job(action="thx_cron.run_program", args=["/opt/jobs/backup"])
    for outside in ("/opt/jobs/sub/backup", "/opt/jobs/../bin/sh"):
        with pytest.raises(ValidationError):
            make_job(action="thx_cron.run_program", args=[outside])
    assert os.path.normpath("/opt/jobs/../bin/sh") == "/opt/bin/sh"
