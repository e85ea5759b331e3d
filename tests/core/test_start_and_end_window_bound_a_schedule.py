from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.core.builders import at
from thx_cron import dispatch
from thx_cron.models import Job, JobLog

pytestmark = pytest.mark.django_db

START = at("2027-03-01T00:00:00")
END = at("2027-03-01T03:00:00")


def test_a_job_with_a_future_start_waits_for_it(make_job):
    job = make_job(cron="0 * * * *", start_at=START, end_at=END)
    assert job.next_run_at == START


def test_the_last_occurrence_at_the_end_runs_and_then_the_job_has_no_next_run(make_job):
    job = make_job(cron="0 * * * *", start_at=START, end_at=END)
    Job.objects.filter(pk=job.pk).update(next_run_at=END)
    [run_id] = dispatch.claim_due(at("2027-03-01T03:00:01"))
    assert JobLog.objects.get(pk=run_id).scheduled_for == END
    job.refresh_from_db()
    assert job.next_run_at is None


def test_no_run_is_made_for_a_job_whose_window_has_passed(make_job):
    # full_clean refuses such a job now; saving it unvalidated shows the dispatcher's side.
    job = Job(
        name="expired",
        action="demo.echo",
        args=["x"],
        cron="0 * * * *",
        start_at=at("2020-01-01T00:00:00"),
        end_at=at("2020-01-02T00:00:00"),
    )
    job.save()
    assert job.next_run_at is None
    assert dispatch.claim_due(at("2027-03-01T00:00:00")) == []


def test_an_end_before_the_start_is_rejected_naming_end_at(make_job):
    with pytest.raises(ValidationError) as caught:
        make_job(cron="0 * * * *", start_at=END, end_at=START)
    assert "end_at" in caught.value.message_dict
    assert not Job.objects.exists()
