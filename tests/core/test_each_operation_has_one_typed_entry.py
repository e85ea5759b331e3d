"""Each operation a user starts has one entry on the models (Job.run_now, Job.run_in_foreground,
Job.pause / resume, JobLog.cancel / rerun), and the admin and the CLI go through it."""

from __future__ import annotations

import inspect
import typing
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_q.models import OrmQ

from thx_cron import lifecycle
from thx_cron.models import Job, JobLog, RunFinished
from thx_cron.runner import execution

pytestmark = pytest.mark.django_db

ENTRIES = [
    Job.start,
    Job.complete,
    Job.error,
    Job.run_now,
    Job.run_in_foreground,
    Job.pause,
    Job.resume,
    JobLog.cancel,
    JobLog.rerun,
]


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.__qualname__)
def test_every_entry_is_typed_without_any(entry):
    import thx_cron.models.job
    import thx_cron.models.run

    namespace = {**vars(thx_cron.models.job), **vars(thx_cron.models.run)}
    from django.contrib.auth.base_user import AbstractBaseUser

    hints = typing.get_type_hints(entry, {**namespace, "AbstractBaseUser": AbstractBaseUser})
    parameters = [name for name in inspect.signature(entry).parameters if name != "self"]
    assert set(hints) == {*parameters, "return"}, hints
    assert typing.Any not in hints.values()
    assert all("Any" not in str(hint) for hint in hints.values()), hints


def test_run_now_queues_a_manual_run_and_hands_it_to_django_q2(make_job, user):
    job = make_job()
    run = job.run_now(triggered_by=user)
    assert (run.trigger, run.status, run.triggered_by) == ("manual", "queued", user)
    assert run.enqueued_at is not None
    assert [task.task["args"] for task in OrmQ.objects.all()] == [(run.pk,)]


def test_run_in_foreground_runs_here_and_queues_no_retry(make_job):
    job = make_job(action="demo.fail", args=["now"], max_retries=3)
    run = job.run_in_foreground()
    assert (run.trigger, run.status) == ("manual", "failed")
    assert list(JobLog.objects.values_list("pk", flat=True)) == [run.pk]
    assert not OrmQ.objects.exists()


def test_cancel_ends_a_queued_run_and_refuses_a_finished_one(make_job):
    job = make_job()
    queued = lifecycle.create_run(job)
    assert queued.cancel().status == JobLog.Status.CANCELLED
    finished = JobLog.objects.get(pk=queued.pk)
    with pytest.raises(RunFinished, match=rf"Run {finished.pk} has already finished \(cancelled\)"):
        finished.cancel()


def test_rerun_queues_a_new_manual_run_of_the_same_job(make_job, user):
    job = make_job()
    first = execution.execute_run(lifecycle.create_run(job))
    again = first.rerun(triggered_by=user)
    assert again.pk != first.pk
    assert (again.job_id, again.trigger, again.status) == (job.pk, "manual", "queued")


def test_the_admin_s_action_and_button_go_through_job_run_now(admin_client, make_job):
    job = make_job()
    with mock.patch.object(Job, "run_now", autospec=True, side_effect=Job.run_now) as run_now:
        admin_client.post(
            reverse("admin:thx_cron_job_changelist"),
            {"action": "run_now", "_selected_action": [job.pk]},
        )
        admin_client.post(reverse("admin:thx_cron_job_run_now", args=[job.pk]))
    assert run_now.call_count == 2
    assert JobLog.objects.filter(job=job).count() == 2


def test_the_admin_s_cancel_and_re_run_go_through_the_run(admin_client, make_job):
    run = lifecycle.create_run(make_job())
    with (
        mock.patch.object(JobLog, "cancel", autospec=True, side_effect=JobLog.cancel) as cancel,
        mock.patch.object(JobLog, "rerun", autospec=True, side_effect=JobLog.rerun) as rerun,
    ):
        admin_client.post(reverse("admin:thx_cron_joblog_cancel", args=[run.pk]))
        admin_client.post(reverse("admin:thx_cron_joblog_rerun", args=[run.pk]))
    assert (cancel.call_count, rerun.call_count) == (1, 1)


def test_the_cli_goes_through_the_same_entries(make_job, capsys):
    job = make_job(name="cli-job")
    with (
        mock.patch.object(Job, "run_now", autospec=True, side_effect=Job.run_now) as run_now,
        mock.patch.object(
            Job, "run_in_foreground", autospec=True, side_effect=Job.run_in_foreground
        ) as foreground,
        mock.patch.object(JobLog, "cancel", autospec=True, side_effect=JobLog.cancel) as cancel,
    ):
        call_command("thx_cron_trigger", "cli-job")
        queued = JobLog.objects.get(job=job)
        call_command("thx_cron_cancel", str(queued.pk))
        call_command("thx_cron_run", "cli-job")
        with pytest.raises(CommandError, match="has already finished"):
            call_command("thx_cron_cancel", str(queued.pk))
    assert (run_now.call_count, foreground.call_count, cancel.call_count) == (1, 1, 2)
    out = capsys.readouterr().out
    assert f"run {queued.pk} of job 'cli-job' queued" in out
    assert f"run {queued.pk} of job 'cli-job' cancelled" in out
