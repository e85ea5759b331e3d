"""A run's outcome is written again when the database drops the connection (a restart)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError

from thx_cron import lifecycle
from thx_cron.models import JobLog
from thx_cron.runner import execution


@pytest.mark.django_db(transaction=True)  # the retry closes the connection, as after a restart
def test_the_outcome_is_recorded_after_the_database_comes_back(
    make_job: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(execution.time, "sleep", lambda seconds: None)
    job = make_job()
    run = lifecycle.start(job, lifecycle.create_run(job))
    assert run is not None
    failures = iter([OperationalError("server closed the connection"), OperationalError("down")])

    def complete_after_two_outages() -> JobLog:
        error = next(failures, None)
        if error is not None:
            raise error
        return lifecycle.complete(job, run, "ok")

    finished = execution._record(complete_after_two_outages)
    assert finished.status == JobLog.Status.SUCCEEDED
    assert JobLog.objects.get(pk=run.pk).result == "ok"


def test_a_database_that_stays_down_leaves_the_run_to_recovery(
    make_job: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(execution.time, "sleep", lambda seconds: None)

    def always_down() -> JobLog:
        raise OperationalError("down")

    with pytest.raises(OperationalError):
        execution._record(always_down, attempts=3)
