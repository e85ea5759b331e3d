"""Timeouts stop the action in the worker's main thread (as a django-q2 worker runs it)."""

from __future__ import annotations

import signal

import pytest

from thx_cron import lifecycle
from thx_cron.models import JobLog
from thx_cron.runner import execution

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quiet_heartbeat(settings):
    # The heartbeat thread writes on its own connection, which waits for this test's open
    # transaction; the timeout under test does not depend on it.
    settings.THX_CRON_HEARTBEAT_SECONDS = 60


@pytest.mark.parametrize(
    "action, args",
    [
        ("tests.busy_loop", [30]),
        ("tests.swallow_everything", [30]),
        ("demo.sleep", [30]),
    ],
)
def test_an_action_running_past_the_timeout_ends_timed_out(make_job, action, args):
    job = make_job(action=action, args=args, timeout_seconds=1, max_retries=0)
    run = execution.execute_run(lifecycle.create_run(job))
    assert run.status == JobLog.Status.TIMED_OUT
    assert run.error == "RunTimedOut: The run exceeded its timeout of 1 s."
    assert 1 <= run.duration_seconds < 10
    job.refresh_from_db()
    assert (job.last_status, job.consecutive_failures) == ("timed_out", 1)


def test_a_timed_out_run_keeps_the_output_printed_before_the_timeout(make_job, temporary_action):
    def talk_then_hang() -> None:
        print("before the hang", flush=True)
        while True:
            pass

    temporary_action("tests.talk_then_hang", talk_then_hang)
    job = make_job(action="tests.talk_then_hang", args=[], timeout_seconds=1)
    run = execution.execute_run(lifecycle.create_run(job))
    assert run.status == "timed_out"
    assert "before the hang" in run.output


def test_a_run_restores_the_alarm_that_was_armed_before_it(make_job):
    # django-q2 (and pytest-timeout here) arm SIGALRM themselves; the run must give it back.
    def outer_handler(signum, frame):
        raise AssertionError("the outer alarm fired")

    saved_handler = signal.signal(signal.SIGALRM, outer_handler)
    saved_timer = signal.setitimer(signal.ITIMER_REAL, 100)
    try:
        job = make_job(action="demo.sleep", args=[0.1], timeout_seconds=1)
        run = execution.execute_run(lifecycle.create_run(job))
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert signal.getsignal(signal.SIGALRM) is outer_handler
    finally:
        signal.signal(signal.SIGALRM, saved_handler)
        signal.setitimer(signal.ITIMER_REAL, *saved_timer)
    assert run.status == "succeeded"
    assert 90 < remaining < 100
