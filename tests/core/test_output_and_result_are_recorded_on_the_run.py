from __future__ import annotations

import datetime

import pytest

from thx_cron import lifecycle
from thx_cron.runner import execution

pytestmark = pytest.mark.django_db


def test_output_beyond_the_limit_keeps_its_head_and_tail(make_job, settings):
    settings.THX_CRON_OUTPUT_LIMIT = 1024
    job = make_job(action="tests.chatty", args=[500])
    run = execution.execute_run(lifecycle.create_run(job))
    assert run.output.startswith("line 0\nline 1\n")
    assert run.output.rstrip().endswith("WARNING tests.actions: logged warning")
    assert "line 499\n" in run.output
    assert "characters omitted" in run.output
    assert "line 250\n" not in run.output
    assert len(run.output) < 1024 + 100


def test_stdout_stderr_and_logging_are_all_captured(make_job, temporary_action):
    import logging
    import sys

    def noisy() -> None:
        print("to stdout")
        print("to stderr", file=sys.stderr)
        logging.getLogger("some.library").info("to logging")
        logging.getLogger("some.library").debug("below the captured level")

    temporary_action("tests.noisy", noisy)
    run = execution.execute_run(lifecycle.create_run(make_job(action="tests.noisy", args=[])))
    assert "to stdout\n" in run.output and "to stderr\n" in run.output
    assert "INFO some.library: to logging" in run.output
    assert "below the captured level" not in run.output


def test_a_json_result_is_stored_as_json(make_job):
    run = execution.execute_run(lifecycle.create_run(make_job(action="tests.add", args=[2, 3])))
    run.refresh_from_db()
    assert run.result == 5


def test_a_result_json_cannot_hold_is_stored_as_its_repr(make_job, temporary_action):
    class Report:
        def __repr__(self) -> str:
            return "<Report 42>"

    temporary_action("tests.report", lambda: Report())
    run = execution.execute_run(lifecycle.create_run(make_job(action="tests.report", args=[])))
    run.refresh_from_db()
    assert (run.status, run.result) == ("succeeded", {"repr": "<Report 42>"})


def test_dates_in_a_result_are_stored_as_iso_text(make_job, temporary_action):
    temporary_action("tests.when", lambda: {"at": datetime.date(2027, 1, 2)})
    run = execution.execute_run(lifecycle.create_run(make_job(action="tests.when", args=[])))
    run.refresh_from_db()
    assert run.result == {"at": "2027-01-02"}
