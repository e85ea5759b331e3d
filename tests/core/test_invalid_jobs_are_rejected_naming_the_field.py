"""Job.full_clean (used by the admin and the API) rejects bad input naming the field."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.core.builders import at
from thx_cron.models import Job

pytestmark = pytest.mark.django_db

CASES = [
    ({"cron": "61 * * * *"}, "cron", "61"),
    ({"cron": "not a cron"}, "cron", ""),
    ({"cron": ""}, "cron", ""),
    ({"schedule_kind": "calendar", "cron": "", "month": 2, "day": 30}, "day", "February 30"),
    ({"schedule_kind": "calendar", "cron": "", "month": 13}, "month", "13"),
    ({"schedule_kind": "calendar", "cron": "", "hour": 24}, "hour", "24"),
    ({"schedule_kind": "calendar", "cron": "", "minute": 60}, "minute", "60"),
    ({"schedule_kind": "calendar", "cron": "", "weekday": 7}, "weekday", "7"),
    ({"timezone": "Mars/Olympus_Mons"}, "timezone", "Mars/Olympus_Mons"),
    ({"schedule_kind": "interval", "cron": "", "every_seconds": 0}, "every_seconds", "at least 1"),
    ({"schedule_kind": "interval", "cron": ""}, "every_seconds", "at least 1"),
    ({"schedule_kind": "once", "cron": ""}, "run_at", "instant"),
    ({"schedule_kind": "weekly"}, "schedule_kind", "weekly"),
    ({"start_at": at("2027-02-01T00:00:00"), "end_at": at("2027-01-01T00:00:00")}, "end_at", ""),
    ({"action": "nope.missing"}, "action", "not a registered action"),
    ({"action": ""}, "action", ""),
    ({"args": []}, "args", "missing a required argument: 'message'"),
    ({"args": ["a", "b"]}, "args", "too many positional arguments"),
    ({"args": "hello"}, "args", "JSON list"),
    ({"kwargs": ["x"]}, "kwargs", "JSON object"),
    ({"args": ["hi"], "kwargs": {"bogus": 1}}, "kwargs", "bogus"),
    ({"action": "demo.sleep", "args": [-1]}, "args", "non-negative"),
    ({"action": "thx_cron.http_request", "args": ["file:///etc/passwd"]}, "args", "http"),
    ({"action": "thx_cron.call_command", "args": ["flush"]}, "args", "THX_CRON_ALLOWED_COMMANDS"),
    ({"timeout_seconds": 0}, "timeout_seconds", "between 1 and 300"),
    ({"timeout_seconds": 301}, "timeout_seconds", "between 1 and 300"),
    ({"tags": "nightly"}, "tags", "list"),
    ({"tags": [""]}, "tags", "non-empty"),
    ({"max_retries": 101}, "max_retries", "100"),
    ({"overlap_policy": "sometimes"}, "overlap_policy", "sometimes"),
    ({"misfire_policy": "ignore"}, "misfire_policy", "ignore"),
]


@pytest.mark.parametrize("fields, field, fragment", CASES)
def test_a_bad_job_is_rejected_naming_the_field_and_nothing_is_saved(
    make_job, fields, field, fragment
):
    with pytest.raises(ValidationError) as caught:
        make_job(**fields)
    errors = caught.value.message_dict
    assert field in errors, errors
    assert fragment in " ".join(errors[field])
    assert not Job.objects.exists()


def test_a_name_is_unique_per_owner(make_job, user, other_user):
    make_job(name="nightly", owner=user)
    make_job(name="nightly", owner=other_user)
    with pytest.raises(ValidationError) as caught:
        make_job(name="nightly", owner=user)
    assert "__all__" in caught.value.message_dict
    assert Job.objects.filter(name="nightly").count() == 2


def test_a_valid_job_with_every_option_is_accepted(make_job):
    job = make_job(
        action="tests.add",
        args=[1],
        kwargs={"b": 2},
        cron="0 9 * * 1-5",
        timezone="America/New_York",
        timeout_seconds=300,
        overlap_policy="queue",
        misfire_policy="run_all",
        misfire_grace_seconds=0,
        max_retries=3,
        tags=["reports"],
    )
    assert job.pk is not None and job.next_run_at is not None
