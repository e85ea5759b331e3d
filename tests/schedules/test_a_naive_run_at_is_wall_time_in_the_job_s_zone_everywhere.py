"""A naive once time means wall-clock time in the job's zone: in the model, through a reload,
pause and resume, in the admin form and in GraphQL; gaps and folds follow one rule."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import override_settings

from tests.graphql.client import GraphQLClient
from thx_cron.models import Job
from thx_cron.schedules.schedule import Schedule, ScheduleSpec

pytestmark = pytest.mark.django_db


def once_job(**fields: Any) -> Job:
    values = {
        "name": "once",
        "action": "demo.echo",
        "args": ["x"],
        "schedule_kind": "once",
        "cron": "",
        "run_at": datetime(2027, 6, 1, 9, 0),
        "timezone": "Europe/Rome",
        **fields,
    }
    return Job(**values)


@pytest.mark.parametrize("host_zone", ["UTC", "America/Los_Angeles"])
def test_a_naive_run_at_is_stored_as_the_instant_it_means_in_the_job_s_zone(
    host_zone: str,
) -> None:
    with override_settings(TIME_ZONE=host_zone), warnings.catch_warnings():
        warnings.simplefilter("error")  # no "naive datetime" RuntimeWarning from Django
        job = once_job()
        job.save()
        rome_nine = datetime(2027, 6, 1, 7, 0, tzinfo=UTC)

        assert job.next_run_at == rome_nine
        job.refresh_from_db()
        assert job.run_at == rome_nine
        job.pause()
        job.resume()
        job.refresh_from_db()
        assert job.next_run_at == rome_nine


def test_full_clean_then_save_keeps_the_wall_time_too() -> None:
    job = once_job(run_at=datetime(2027, 1, 15, 9, 0), timezone="America/New_York")
    job.full_clean()
    job.save()

    assert Job.objects.get(pk=job.pk).next_run_at == datetime(2027, 1, 15, 14, 0, tzinfo=UTC)


def test_the_admin_form_reads_and_shows_run_at_in_the_job_s_zone(admin_client: Any) -> None:
    form = {
        "name": "once",
        "action": "demo.echo",
        "args": '["x"]',
        "kwargs": "{}",
        "tags": "[]",
        "enabled": "on",
        "schedule_kind": "once",
        "run_at_0": "2027-06-01",
        "run_at_1": "09:00:00",
        "timezone": "Europe/Rome",
        "overlap_policy": "skip",
        "misfire_policy": "run_once",
        "max_retries": "0",
        "retry_backoff_seconds": "30",
    }
    with override_settings(TIME_ZONE="America/Los_Angeles"):
        response = admin_client.post("/admin/thx_cron/job/add/", form)
        assert response.status_code == 302, response.content.decode()[:2000]
        job = Job.objects.get(name="once")
        assert job.run_at == datetime(2027, 6, 1, 7, 0, tzinfo=UTC)
        page = admin_client.get(f"/admin/thx_cron/job/{job.pk}/change/").content.decode()
    assert 'value="09:00:00"' in page and 'value="2027-06-01"' in page


@pytest.mark.parametrize(
    ("wall", "expected"),
    [
        # Rome springs forward at 02:00 CET: 02:30 does not exist; it means the jump (01:00Z).
        ("2027-03-28T02:30:00", datetime(2027, 3, 28, 1, 0, tzinfo=UTC)),
        # Rome falls back at 03:00 CEST: 02:30 happens twice; it means the first pass (00:30Z).
        ("2027-10-31T02:30:00", datetime(2027, 10, 31, 0, 30, tzinfo=UTC)),
    ],
)
def test_graphql_and_the_python_api_read_a_naive_time_in_a_gap_or_fold_alike(
    alice: Any, wall: str, expected: datetime
) -> None:
    python = Schedule(ScheduleSpec(kind="once", at=datetime.fromisoformat(wall)), "Europe/Rome")
    assert python.next_after(datetime(2027, 1, 1, tzinfo=UTC)) == expected

    preview = GraphQLClient().data(
        """query($at: DateTime!) { previewSchedule(schedule: {at: $at}, timezone: "Europe/Rome",
          after: "2027-01-01T00:00:00Z") { ... on SchedulePreview { occurrences } } }""",
        {"at": wall},
    )["previewSchedule"]
    assert [datetime.fromisoformat(text) for text in preview["occurrences"]] == [expected]

    alice.data(
        """mutation($input: JobInput!) { createJob(input: $input) { __typename } }""",
        {
            "input": {
                "name": "gap",
                "action": "demo.echo",
                "args": ["x"],
                "schedule": {"at": wall},
                "timezone": "Europe/Rome",
            }
        },
    )
    assert Job.objects.get(name="gap").run_at == expected
