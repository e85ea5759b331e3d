"""THX_CRON_ACTIONS is read lazily, like every other setting: an action added to (or removed
from) it is known (or unknown) at once, without a restart."""

from __future__ import annotations

import pytest

from thx_cron import lifecycle
from thx_cron.actions.registry import ActionNotRegistered, registry
from thx_cron.models import JobLog
from thx_cron.runner import execution


def test_an_action_added_to_the_setting_later_is_registered_at_once(settings):
    assert "later.add" not in registry
    settings.THX_CRON_ACTIONS = {"later.add": "tests.cron_actions.add"}
    assert "later.add" in registry
    assert registry.get("later.add").func(2, b=3) == 5
    assert "later.add" in [action.name for action in registry.all()]


def test_an_action_removed_from_the_setting_is_no_longer_registered(settings):
    settings.THX_CRON_ACTIONS = {"later.add": "tests.cron_actions.add"}
    assert "later.add" in registry
    settings.THX_CRON_ACTIONS = {}
    with pytest.raises(ActionNotRegistered):
        registry.get("later.add")


@pytest.mark.django_db
def test_a_job_of_an_action_added_to_the_setting_runs(settings, make_job):
    settings.THX_CRON_ACTIONS = {"later.add": "tests.cron_actions.add"}
    job = make_job(action="later.add", args=[20, 22])
    run = lifecycle.create_run(job, enqueued=True)
    assert execution.execute(run.pk) == JobLog.Status.SUCCEEDED
    run.refresh_from_db()
    assert run.result == 42
