"""THX_CRON_MAX_RUNNING_PER_USER: a run whose owner is at the limit stays queued (never dropped)
and gives its worker back; it is due again as soon as one of the owner's runs ends."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from django.utils import timezone

from thx_cron import lifecycle
from thx_cron.models import JobLog
from thx_cron.runner import execution

pytestmark = pytest.mark.django_db


@override_settings(THX_CRON_MAX_RUNNING_PER_USER=1)
def test_a_run_over_the_limit_waits_and_is_released_when_a_slot_frees(
    make_job: Any, user: Any, other_user: Any
) -> None:
    first = lifecycle.create_run(make_job(owner=user), enqueued=True)
    second = lifecycle.create_run(make_job(owner=user), enqueued=True)
    theirs = lifecycle.create_run(make_job(owner=other_user), enqueued=True)
    running = lifecycle.start(first.job, first)
    assert running is not None and running.status == "running"

    assert execution.execute(second.pk) == "queued"
    second.refresh_from_db()
    assert second.status == "queued" and second.started_at is None
    assert second.enqueued_at is None and second.due_at > timezone.now()
    # Another user is not held back.
    assert execution.execute(theirs.pk) == "succeeded"

    lifecycle.complete(first.job, running, "done")
    second.refresh_from_db()
    assert second.due_at <= timezone.now()
    assert execution.execute(second.pk) == "succeeded"
    assert JobLog.objects.filter(job=second.job).count() == 1


@override_settings(THX_CRON_MAX_RUNNING_PER_USER=1)
def test_a_foreground_run_takes_no_worker_and_is_not_held(make_job: Any, user: Any) -> None:
    busy = lifecycle.create_run(make_job(owner=user), enqueued=True)
    assert lifecycle.start(busy.job, busy) is not None
    run = lifecycle.create_run(make_job(owner=user, action="demo.echo", args=["x"]))
    assert execution.execute_run(run, fair=False).status == "succeeded"


@pytest.mark.parametrize("value", ["2", -1, 1.5, True])
def test_a_bad_limit_is_a_system_check_error(value: Any) -> None:
    with override_settings(THX_CRON_MAX_RUNNING_PER_USER=value):
        with pytest.raises(SystemCheckError, match="THX_CRON_MAX_RUNNING_PER_USER"):
            call_command("check")


def test_a_limit_that_leaves_no_worker_free_is_warned_about(capsys: Any) -> None:
    with override_settings(
        THX_CRON_MAX_RUNNING_PER_USER=2,
        Q_CLUSTER={"workers": 2, "max_attempts": 1, "ack_failures": True},
    ):
        call_command("check")
    assert "thx_cron.W041" in capsys.readouterr().err


def test_demo_sleep_is_bounded(make_job: Any, user: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="at most 60"):
        make_job(owner=user, action="demo.sleep", args=[3600])
