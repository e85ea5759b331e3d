"""The Django admin: job forms with schedule errors, run now / pause / resume, readable runs."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django_q.models import OrmQ

from thx_cron import lifecycle
from thx_cron.models import Job, JobLog
from thx_cron.runner import execution

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/thx_cron/job/add/"


def job_form(**overrides):
    data = {
        "name": "report",
        "description": "",
        "tags": "[]",
        "enabled": "on",
        "action": "demo.echo",
        "args": '["hello"]',
        "kwargs": "{}",
        "schedule_kind": "cron",
        "cron": "0 9 * * *",
        "timezone": "Europe/Rome",
        "overlap_policy": "skip",
        "misfire_policy": "run_once",
        "max_retries": "0",
        "retry_backoff_seconds": "30",
    }
    data.update(overrides)
    return data


def test_the_add_form_shows_an_invalid_cron_as_a_form_error_and_saves_nothing(admin_client):
    response = admin_client.post(ADD_URL, job_form(cron="61 * * * *"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "cron" in errors and "61" in errors["cron"][0]
    assert not Job.objects.exists()


def test_the_add_form_shows_an_unregistered_action_as_a_form_error(admin_client):
    response = admin_client.post(ADD_URL, job_form(action="os.system"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["action"] == [
        "'os.system' is not a registered action."
    ]
    assert not Job.objects.exists()


def test_a_calendar_field_error_is_shown_on_that_field(admin_client):
    form = job_form(schedule_kind="calendar", cron="", month="2", day="30")
    response = admin_client.post(ADD_URL, form)
    assert "February 30" in response.context["adminform"].form.errors["day"][0]
    assert not Job.objects.exists()


def test_a_valid_add_form_creates_the_job_with_its_next_run(admin_client):
    response = admin_client.post(ADD_URL, job_form())
    assert response.status_code == 302
    job = Job.objects.get(name="report")
    local = job.next_run_at.astimezone(ZoneInfo("Europe/Rome"))
    assert (local.hour, local.minute) == (9, 0)


def test_the_change_page_shows_the_next_occurrences(admin_client, make_job):
    job = make_job(cron="0 9 * * *", timezone="Europe/Rome")
    expected = job.schedule.occurrences(timezone.now(), 5)
    response = admin_client.get(reverse("admin:thx_cron_job_change", args=[job.pk]))
    content = strip_tags(response.content.decode())
    for moment in expected:
        local = moment.astimezone(ZoneInfo("Europe/Rome"))
        # Readable, with seconds, in the job's zone named, and UTC beside.
        assert local.strftime("%Y-%m-%d %H:%M:%S %Z (Europe/Rome)") in content
        assert moment.strftime("%Y-%m-%d %H:%M:%S UTC") in content
    assert expected[0].astimezone(ZoneInfo("Europe/Rome")).isoformat() not in content


def test_the_job_list_shows_next_run_and_last_status(admin_client, make_job):
    job = make_job(name="listed-job", action="tests.noop", args=[])
    execution.execute_run(lifecycle.create_run(job))
    response = admin_client.get(reverse("admin:thx_cron_job_changelist"))
    content = response.content.decode()
    assert "listed-job" in content and "succeeded" in content
    assert "Every minute" in content


def test_run_now_queues_a_manual_run_for_the_worker(admin_client, admin_user, make_job):
    job = make_job()
    response = admin_client.post(
        reverse("admin:thx_cron_job_changelist"),
        {"action": "run_now", "_selected_action": [job.pk]},
    )
    assert response.status_code == 302
    run = JobLog.objects.get(job=job)
    assert (run.trigger, run.status, run.triggered_by) == ("manual", "queued", admin_user)
    assert [task.task["args"] for task in OrmQ.objects.all()] == [(run.pk,)]


def test_pause_and_resume_stop_and_restart_the_schedule(admin_client, make_job):
    job = make_job()
    url = reverse("admin:thx_cron_job_changelist")
    admin_client.post(url, {"action": "pause", "_selected_action": [job.pk]})
    job.refresh_from_db()
    assert (job.enabled, job.next_run_at) == (False, None)
    admin_client.post(url, {"action": "resume", "_selected_action": [job.pk]})
    job.refresh_from_db()
    assert job.enabled and job.next_run_at is not None


def test_a_run_page_shows_its_output_and_traceback_escaped(admin_client, make_job):
    job = make_job(action="demo.fail", args=["<b>bad</b> thing"])
    run = execution.execute_run(lifecycle.create_run(job))
    JobLog.objects.filter(pk=run.pk).update(output="printed <script>x</script>")
    response = admin_client.get(reverse("admin:thx_cron_joblog_change", args=[run.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "printed &lt;script&gt;x&lt;/script&gt;" in content
    assert "raise DemoFailure(message)" in content
    assert "DemoFailure: &lt;b&gt;bad&lt;/b&gt; thing" in content


def test_runs_are_read_only_in_the_admin(admin_client, make_job):
    run = lifecycle.create_run(make_job())
    assert admin_client.get("/admin/thx_cron/joblog/add/").status_code == 403
    response = admin_client.post(
        reverse("admin:thx_cron_joblog_change", args=[run.pk]), {"status": "succeeded"}
    )
    assert response.status_code == 403
    assert JobLog.objects.get(pk=run.pk).status == "queued"


@pytest.mark.parametrize(
    "query", ["status__exact=failed", "trigger__exact=manual", "job__id__exact=1", "q=report"]
)
def test_the_run_list_filters_by_job_status_trigger_and_date(admin_client, make_job, query):
    job = make_job(name="report", action="demo.fail", args=["x"])
    failed = execution.execute_run(lifecycle.create_run(job))
    query = query.replace("job__id__exact=1", f"job__id__exact={job.pk}")
    response = admin_client.get(reverse("admin:thx_cron_joblog_changelist") + "?" + query)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [failed]


def test_the_run_list_filters_by_date(admin_client, make_job):
    run = lifecycle.create_run(make_job())
    day = run.queued_at
    query = f"queued_at__year={day.year}&queued_at__month={day.month}&queued_at__day={day.day}"
    response = admin_client.get(reverse("admin:thx_cron_joblog_changelist") + "?" + query)
    assert list(response.context["cl"].result_list) == [run]
