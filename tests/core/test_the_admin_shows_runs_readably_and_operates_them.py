"""The admin reads like the rest of thx-cron: times in the job's zone, durations, coloured
statuses, runs titled by their job; and its buttons are real operations (run now, cancel,
re-run) through Django's test client."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags
from django_q.models import OrmQ

from thx_cron import lifecycle
from thx_cron.models import Job, JobLog
from thx_cron.runner import execution

pytestmark = pytest.mark.django_db


def run_page(run: JobLog) -> str:
    return reverse("admin:thx_cron_joblog_change", args=[run.pk])


def job_page(job: Job) -> str:
    return reverse("admin:thx_cron_job_change", args=[job.pk])


def text_of(response) -> str:
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def test_a_run_page_is_titled_by_its_job_and_shows_its_output_first(admin_client, make_job):
    job = make_job(name="nightly-report", action="demo.echo", args=["printed line"])
    run = execution.execute_run(lifecycle.create_run(job))
    response = admin_client.get(run_page(run))
    content = response.content.decode()
    assert f"nightly-report run {run.pk} (succeeded)" in content
    assert "None run" not in content and f"{job.pk} run {run.pk}" not in content
    headings = re.findall(r'<h2 id="fieldset-[^"]*" class="fieldset-heading">([^<]+)</h2>', content)
    assert headings[0] == "Output", headings


def test_run_times_have_seconds_in_the_job_s_zone_with_utc_beside(admin_client, make_job):
    job = make_job(timezone="America/New_York")
    run = lifecycle.create_run(job)
    queued = datetime(2026, 7, 4, 16, 5, 9, 123456, tzinfo=UTC)
    JobLog.objects.filter(pk=run.pk).update(queued_at=queued)
    text = text_of(admin_client.get(run_page(run)))
    assert "2026-07-04 12:05:09 EDT (America/New_York) · 2026-07-04 16:05:09 UTC" in text
    assert "123456" not in text


def test_the_run_list_colours_statuses_and_writes_durations_for_people(admin_client, make_job):
    job = make_job(action="demo.fail", args=["boom"])
    failed = execution.execute_run(lifecycle.create_run(job))
    JobLog.objects.filter(pk=failed.pk).update(duration_seconds=63.2)
    succeeded = execution.execute_run(lifecycle.create_run(make_job()))
    JobLog.objects.filter(pk=succeeded.pk).update(duration_seconds=0.0027)
    response = admin_client.get(reverse("admin:thx_cron_joblog_changelist"))
    content = response.content.decode()
    assert re.search(r'class="thx-status thx-status-failed" style="background:#c62828', content)
    assert re.search(r'class="thx-status thx-status-succeeded" style="background:#1e7b34', content)
    text = text_of(response)
    assert "1 min 3 s" in text and "2.7 ms" in text
    assert "63.2" not in text and "0.0027" not in text


def test_a_job_page_lists_its_recent_runs_with_links(admin_client, make_job):
    job = make_job(name="with-runs")
    runs = [execution.execute_run(lifecycle.create_run(job)) for _ in range(3)]
    other = lifecycle.create_run(make_job(name="someone-else"))
    content = admin_client.get(job_page(job)).content.decode()
    for run in runs:
        assert f'href="{run_page(run)}">run {run.pk}</a>' in content
    assert f">run {other.pk}</a>" not in content
    assert f"?job__id__exact={job.pk}" in content  # all of its runs


def test_run_now_on_the_job_page_queues_a_real_run_for_a_worker(admin_client, admin_user, make_job):
    job = make_job()
    page = admin_client.get(job_page(job)).content.decode()
    button = reverse("admin:thx_cron_job_run_now", args=[job.pk])
    assert f'action="{button}"' in page and "Run now</button>" in page
    response = admin_client.post(button)
    assert response.status_code == 302 and response["Location"] == job_page(job)
    run = JobLog.objects.get(job=job)
    assert (run.trigger, run.status, run.triggered_by) == ("manual", "queued", admin_user)
    assert [task.task["args"] for task in OrmQ.objects.all()] == [(run.pk,)]
    assert f"Queued run {run.pk}" in text_of(admin_client.get(job_page(job)))


def test_run_now_answers_only_a_post(admin_client, make_job):
    job = make_job()
    response = admin_client.get(reverse("admin:thx_cron_job_run_now", args=[job.pk]))
    assert response.status_code == 405
    assert not JobLog.objects.exists()


def test_staff_without_the_permission_cannot_run_another_users_job(
    client: Client, staff_user, user, make_job
):
    job = make_job(owner=user)
    client.force_login(staff_user)
    response = client.post(reverse("admin:thx_cron_job_run_now", args=[job.pk]))
    assert response.status_code == 302
    assert not JobLog.objects.exists()
    assert not OrmQ.objects.exists()


def test_cancel_on_the_run_page_cancels_a_queued_run(admin_client, make_job):
    run = lifecycle.create_run(make_job())
    page = admin_client.get(run_page(run)).content.decode()
    cancel = reverse("admin:thx_cron_joblog_cancel", args=[run.pk])
    assert f'action="{cancel}"' in page and "Cancel</button>" in page
    response = admin_client.post(cancel)
    assert response.status_code == 302 and response["Location"] == run_page(run)
    run.refresh_from_db()
    assert run.status == JobLog.Status.CANCELLED
    page = admin_client.get(run_page(run)).content.decode()
    assert "Cancel</button>" not in page and "Re-run</button>" in page


def test_cancel_asks_the_worker_of_a_running_run_to_stop(admin_client, make_job):
    job = make_job()
    run = lifecycle.start(job, lifecycle.create_run(job), worker="elsewhere:1")
    assert run is not None and run.status == JobLog.Status.RUNNING
    admin_client.post(reverse("admin:thx_cron_joblog_cancel", args=[run.pk]))
    run.refresh_from_db()
    assert (run.status, run.cancel_requested) == (JobLog.Status.RUNNING, True)


def test_cancelling_a_finished_run_changes_nothing_and_says_so(admin_client, make_job):
    run = execution.execute_run(lifecycle.create_run(make_job()))
    response = admin_client.post(
        reverse("admin:thx_cron_joblog_cancel", args=[run.pk]), follow=True
    )
    assert f"Run {run.pk} has already finished (succeeded)." in text_of(response)
    run.refresh_from_db()
    assert run.status == JobLog.Status.SUCCEEDED


def test_re_run_queues_a_new_manual_run_of_the_same_job(admin_client, admin_user, make_job):
    job = make_job(action="demo.fail", args=["once"])
    failed = execution.execute_run(lifecycle.create_run(job))
    response = admin_client.post(reverse("admin:thx_cron_joblog_rerun", args=[failed.pk]))
    new = JobLog.objects.exclude(pk=failed.pk).get()
    assert response["Location"] == run_page(new)
    assert (new.job, new.trigger, new.status, new.triggered_by) == (
        job,
        "manual",
        "queued",
        admin_user,
    )
    assert [task.task["args"] for task in OrmQ.objects.all()] == [(new.pk,)]


def test_staff_without_the_permission_cannot_cancel_or_re_run(
    client: Client, staff_user, user, make_job
):
    from django.contrib.auth.models import Permission

    staff_user.user_permissions.add(Permission.objects.get(codename="view_joblog"))
    run = lifecycle.create_run(make_job(owner=user))
    client.force_login(staff_user)
    page = client.get(run_page(run)).content.decode()
    assert "Cancel</button>" not in page and "Re-run</button>" not in page
    client.post(reverse("admin:thx_cron_joblog_cancel", args=[run.pk]))
    client.post(reverse("admin:thx_cron_joblog_rerun", args=[run.pk]))
    assert list(JobLog.objects.values_list("status", flat=True)) == ["queued"]


def test_the_run_and_job_lists_read_jobs_without_a_query_per_row(admin_client, make_job, user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200
        return len(captured)

    runs = reverse("admin:thx_cron_joblog_changelist")
    jobs = reverse("admin:thx_cron_job_changelist")
    for _ in range(2):
        execution.execute_run(lifecycle.create_run(make_job(owner=user)))
    few = (queries(runs), queries(jobs))
    for _ in range(10):
        execution.execute_run(lifecycle.create_run(make_job(owner=user)))
    assert (queries(runs), queries(jobs)) == few
