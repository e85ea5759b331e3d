from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError

import thx_cron
from thx_cron import lifecycle
from thx_cron.actions import builtin_actions
from thx_cron.actions.registry import ActionNotRegistered, registry
from thx_cron.models import Job
from thx_cron.runner import execution


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "os.system",
        "thx_cron.actions.builtin_actions.echo",
        "tests.cron_actions.noop",
        "builtins.eval",
    ],
)
def test_a_job_naming_an_unregistered_callable_is_rejected(make_job, name):
    with pytest.raises(ValidationError) as caught:
        make_job(action=name, args=[])
    assert caught.value.message_dict["action"] == [f"'{name}' is not a registered action."]
    assert not Job.objects.exists()


@pytest.fixture
def vanishing_action() -> Iterator[str]:
    registry.register("tests.vanishing", lambda: "here")
    yield "tests.vanishing"
    registry.unregister("tests.vanishing")


@pytest.mark.django_db
def test_a_run_whose_action_was_unregistered_fails_without_importing_it(make_job, vanishing_action):
    job = make_job(action=vanishing_action, args=[])
    registry.unregister(vanishing_action)
    run = execution.execute_run(lifecycle.create_run(job))
    assert run.status == "failed"
    assert run.error == (
        "ActionNotRegistered: action: 'tests.vanishing' is not a registered action."
    )


def test_the_registry_refuses_a_name_taken_by_another_callable():
    with pytest.raises(ValueError, match="already registered"):

        @thx_cron.action("demo.echo")
        def impostor(message: str) -> str:
            return message

    assert registry.get("demo.echo").func is builtin_actions.echo


def test_looking_up_an_unknown_action_raises_action_not_registered():
    with pytest.raises(ActionNotRegistered) as caught:
        registry.get("thx_cron.nope")
    assert caught.value.field == "action"


def test_the_registry_describes_an_actions_arguments():
    add = registry.get("tests.add")
    assert [(a.name, a.required, a.default) for a in add.arguments] == [
        ("a", True, None),
        ("b", False, 0),
    ]
    assert add.description == "Return a + b."
