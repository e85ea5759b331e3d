"""A new job whose schedule has no future occurrence is refused, naming the field."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from thx_cron.models import Job


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (
            {"schedule_kind": "once", "cron": "", "run_at": timezone.now() - timedelta(hours=1)},
            "run_at",
        ),
        (
            {
                "schedule_kind": "calendar",
                "cron": "",
                "year": 2020,
                "month": 1,
                "day": 1,
                "hour": 0,
            },
            "year",
        ),
        ({"cron": "0 0 1 1 * 0 2021"}, "cron"),
        ({"end_at": timezone.now() - timedelta(days=1)}, "end_at"),
    ],
)
def test_a_new_job_with_no_future_occurrence_is_refused(
    make_job: Any, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        make_job(**fields)
    assert "no occurrence after now" in " ".join(caught.value.message_dict[field])
    assert Job.objects.count() == 0


def test_max_runs_of_zero_is_refused(make_job: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        make_job(max_runs=0)
    assert "max_runs" in caught.value.message_dict


def test_a_finished_once_job_can_still_be_edited(make_job: Any) -> None:
    job = make_job(schedule_kind="once", cron="", run_at=timezone.now() + timedelta(hours=1))
    Job.objects.filter(pk=job.pk).update(run_at=timezone.now() - timedelta(hours=1))
    job = Job.objects.get(pk=job.pk)
    job.description = "ran already"
    job.full_clean()  # the schedule did not change, so its past instant is fine
    job.save()
