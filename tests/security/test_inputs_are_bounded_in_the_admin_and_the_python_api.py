"""The bounds of thx_cron.security.limits hold outside GraphQL too: model validation (the Python
API) and the admin's forms name the field."""

from __future__ import annotations

import math
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tests.core.test_admin_manages_jobs_and_shows_runs import ADD_URL, job_form
from thx_cron.models import Job
from thx_cron.security import limits
from thx_cron_notifications.models import NotificationRule

pytestmark = pytest.mark.django_db


def _job(**fields: Any) -> Job:
    values = {"name": "a job", "action": "demo.echo", "args": ["x"], "cron": "0 0 1 1 *"}
    return Job(**{**values, **fields})


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"description": "d" * (limits.MAX_DESCRIPTION + 1)}, "description"),
        ({"tags": ["t"] * (limits.MAX_TAGS + 1)}, "tags"),
        ({"args": [math.nan]}, "args"),
        ({"args": [math.inf]}, "args"),
        ({"kwargs": {"message": "\ud800"}}, "kwargs"),
        ({"name": "a\x00b"}, "name"),
        ({"args": [[[[[[[[[[["deep"]]]]]]]]]]]}, "args"),
    ],
)
def test_a_job_beyond_the_bounds_fails_model_validation_naming_the_field(
    fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _job(**fields).full_clean()
    assert field in caught.value.error_dict, caught.value


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"events": ["failed"] * (limits.MAX_EVENTS + 1)}, "events"),
        ({"urls": ["json://localhost/" + "a" * limits.MAX_URL]}, "urls"),
        ({"title_template": "t" * (limits.MAX_TEMPLATE + 1)}, "title_template"),
        ({"tags": ["\x00"]}, "tags"),
    ],
)
def test_a_rule_beyond_the_bounds_fails_model_validation_naming_the_field(
    user: Any, fields: dict[str, Any], field: str
) -> None:
    values = {"owner": user, "name": "r", "urls": ["json://localhost"], "events": ["failed"]}
    with pytest.raises(ValidationError) as caught:
        NotificationRule(**{**values, **fields}).full_clean()
    assert field in caught.value.error_dict, caught.value


def test_the_admin_form_shows_a_bound_as_an_error_on_its_field(admin_client: Any) -> None:
    response = admin_client.post(ADD_URL, job_form(description="d" * 20_000, args='["\\u0000"]'))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "10,000" in errors["description"][0], errors
    assert "NUL" in errors["args"][0], errors
    assert not Job.objects.exists()
