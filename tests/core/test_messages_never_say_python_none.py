"""A message about a missing or wrong value never shows Python's `None` ("at least 1 (got
None)"): the admin, the Python API, action arguments and declarations alike."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.core.test_admin_manages_jobs_and_shows_runs import ADD_URL, job_form
from thx_cron.declared import declarations
from thx_cron.models import Job
from thx_cron.security.limits import shown

pytestmark = pytest.mark.django_db

DEFAULTS = {
    name: Job._meta.get_field(name).get_default() for name in declarations.DEFINITION_FIELDS
}

NUMBERS = (
    "year",
    "month",
    "day",
    "hour",
    "minute",
    "weekday",
    "every_seconds",
    "max_runs",
    "timeout_seconds",
    "misfire_grace_seconds",
)


def messages_of(errors) -> list[str]:
    return [message for field in errors.values() for message in field]


@pytest.mark.parametrize("kind", ["cron", "calendar", "interval", "once"])
def test_an_admin_form_with_the_kind_s_fields_left_empty_says_what_is_missing(admin_client, kind):
    blank = dict.fromkeys((*NUMBERS, "cron", "run_at_0", "run_at_1", "start_at_0"), "")
    response = admin_client.post(ADD_URL, job_form(schedule_kind=kind, **blank))
    if kind == "calendar":  # every field empty: every minute, a valid schedule
        assert response.status_code == 302
        return
    errors = response.context["adminform"].form.errors
    assert errors, kind
    for message in messages_of(errors):
        assert "None" not in message, message
    assert not Job.objects.exists()


def test_an_interval_without_seconds_names_the_field_and_what_it_needs(make_job):
    with pytest.raises(ValidationError) as caught:
        make_job(schedule_kind="interval", cron="", every_seconds=None)
    [message] = caught.value.message_dict["every_seconds"]
    assert "None" not in message
    assert "every_seconds" in message and "at least 1" in message


@pytest.mark.parametrize("args", [[None], [5, None], [True], [[None]]])
def test_action_argument_messages_say_null_as_json_does(make_job, args):
    with pytest.raises(ValidationError) as caught:
        make_job(action="demo.count", args=args)
    message = " ".join(messages_of(caught.value.message_dict))
    assert "None" not in message and "True" not in message
    assert "null" in message or "true" in message


@pytest.mark.parametrize(
    "raw",
    [
        {"key": "a", "action": "demo.echo", "cron": None},
        {"key": "a", "action": "demo.echo", "every": None},
        {"key": "a", "action": "demo.echo", "calendar": {"day": None}},
        {"key": "a", "action": "demo.echo", "at": None},
        {"key": "a", "action": "demo.echo", "cron": "* * * * *", "description": None},
    ],
)
def test_a_declaration_with_a_missing_value_never_says_none(raw):
    with pytest.raises(declarations.DeclarationError) as caught:
        declarations.read(raw, "THX_CRON_JOBS[0]", DEFAULTS)
    assert "None" not in str(caught.value), str(caught.value)
    assert "null" in str(caught.value)


@pytest.mark.parametrize(
    "value, text",
    [(None, "null"), (True, "true"), (False, "false"), ([1, None], "[1, null]"), ("x", "'x'")],
)
def test_shown_quotes_values_as_json_says_them(value, text):
    assert shown(value) == text
