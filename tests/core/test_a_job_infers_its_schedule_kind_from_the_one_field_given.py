"""The Python API: `Job(every_seconds=10)` is an interval job, `Job(run_at=...)` a one-time
job, `Job(hour=9)` a calendar job, without naming `schedule_kind`; with no schedule at all the
error names `schedule_kind` and the fields to give."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from thx_cron.models import Job

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        ({"every_seconds": 10}, "interval"),
        ({"run_at": timezone.now() + timedelta(days=1)}, "once"),
        ({"hour": 9, "minute": 30}, "calendar"),
        ({"cron": "*/5 * * * *"}, "cron"),
    ],
)
def test_the_kind_follows_the_schedule_field_given(fields, kind):
    job = Job(name="inferred", action="demo.echo", args=["hi"], **fields)
    job.full_clean()
    job.save()
    assert Job.objects.get(pk=job.pk).schedule_kind == kind
    assert job.next_run_at is not None


def test_a_job_saved_without_full_clean_infers_too():
    job = Job.objects.create(name="direct", action="demo.echo", args=["hi"], every_seconds=30)
    assert job.schedule_kind == "interval"
    assert job.next_run_at is not None


def test_a_job_without_any_schedule_field_names_schedule_kind_in_its_error():
    with pytest.raises(ValidationError) as raised:
        Job(name="nothing", action="demo.echo", args=["hi"]).full_clean()
    message = " ".join(raised.value.message_dict["cron"])
    assert "schedule_kind" in message and "every_seconds" in message
