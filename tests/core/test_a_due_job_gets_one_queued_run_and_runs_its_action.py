from __future__ import annotations

from datetime import UTC, datetime

from tests.core.builders import queued_task_runs
from thx_cron import dispatch
from thx_cron.models import Job, JobEvent, JobLog
from thx_cron.runner import execution


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_a_due_job_gets_one_queued_run_and_its_next_run_time_advances(
    make_job, django_capture_on_commit_callbacks
):
    job = make_job(cron="*/5 * * * *")
    Job.objects.filter(pk=job.pk).update(next_run_at=at("2027-01-01T10:00:00"))
    with django_capture_on_commit_callbacks(execute=True):
        claimed = dispatch.claim_due(at("2027-01-01T10:00:00.300000"))
    run = JobLog.objects.get(job=job)
    assert claimed == [run.pk]
    assert queued_task_runs() == [run.pk]  # in django-q2's ORM broker
    assert run.status == JobLog.Status.QUEUED
    assert run.scheduled_for == at("2027-01-01T10:00:00")
    job.refresh_from_db()
    assert job.next_run_at == at("2027-01-01T10:05:00")
    assert list(JobEvent.objects.filter(run=run).values_list("kind", flat=True)) == ["queued"]


def test_claiming_the_same_instant_twice_creates_no_second_run(make_job):
    job = make_job(cron="*/5 * * * *")
    Job.objects.filter(pk=job.pk).update(next_run_at=at("2027-01-01T10:00:00"))
    dispatch.claim_due(at("2027-01-01T10:00:01"))
    Job.objects.filter(pk=job.pk).update(next_run_at=at("2027-01-01T10:00:00"))
    assert dispatch.claim_due(at("2027-01-01T10:00:02")) == []
    assert JobLog.objects.filter(job=job).count() == 1


def test_a_run_executes_its_action_and_records_result_and_output(make_job):
    job = make_job(action="tests.chatty", args=[2])
    Job.objects.filter(pk=job.pk).update(next_run_at=at("2027-01-01T10:00:00"))
    [run_id] = dispatch.claim_due(at("2027-01-01T10:00:00"))
    assert execution.execute(run_id) == "succeeded"
    run = JobLog.objects.get(pk=run_id)
    assert run.result == "done"
    assert "line 0\nline 1\n" in run.output
    assert "INFO tests.actions: logged info" in run.output
    assert run.duration_seconds is not None and run.duration_seconds >= 0
    job.refresh_from_db()
    assert job.last_status == "succeeded" and job.last_run_id == run_id and job.run_count == 1
    kinds = list(JobEvent.objects.filter(run=run).values_list("kind", flat=True))
    assert kinds == ["queued", "started", "succeeded"]
