"""The job form: each schedule kind's fields in a fieldset of their own (a static script shows
the chosen kind's only; all stay visible without it), and a select of the registered actions
that still shows a stored action nobody registers any more."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from thx_cron.actions.registry import registry
from thx_cron.models import Job

pytestmark = pytest.mark.django_db

KINDS = ("cron", "calendar", "interval", "once")


def fieldset_kinds(content: str) -> list[str]:
    return re.findall(r'<fieldset class="module aligned thx-kind thx-kind-(\w+)', content)


def test_the_add_form_has_one_fieldset_per_schedule_kind_and_the_script(admin_client):
    content = admin_client.get("/admin/thx_cron/job/add/").content.decode()
    assert fieldset_kinds(content) == list(KINDS)
    assert "thx_cron/admin/schedule_kind.js" in content
    for name in ("cron", "year", "weekday", "every_seconds", "run_at_0"):
        assert f'name="{name}"' in content


def test_the_script_is_served_and_hides_the_other_kinds(admin_client):
    from django.contrib.staticfiles import finders

    path = finders.find("thx_cron/admin/schedule_kind.js")
    assert path is not None
    script = open(path, encoding="utf-8").read()
    assert "id_schedule_kind" in script and "thx-kind-" in script


def test_a_declared_job_shows_only_its_own_kind(admin_client, make_job):
    job = make_job(every_seconds=60, schedule_kind="interval", cron="")
    Job.objects.filter(pk=job.pk).update(declared=True, key="every-minute")
    content = admin_client.get(reverse("admin:thx_cron_job_change", args=[job.pk])).content
    assert fieldset_kinds(content.decode()) == ["interval"]


def test_the_action_is_picked_from_the_registered_actions(admin_client):
    content = admin_client.get("/admin/thx_cron/job/add/").content.decode()
    select = re.search(r'<select name="action"[^>]*>(.*?)</select>', content, re.S)
    assert select is not None
    values = re.findall(r'<option value="([^"]*)"', select.group(1))
    assert values == ["", *[action.name for action in registry.all()]]
    assert "demo.echo" in values


def test_a_stored_action_that_is_no_longer_registered_is_still_shown(admin_client, make_job):
    job = make_job()
    Job.objects.filter(pk=job.pk).update(action="reports.retired")
    content = admin_client.get(reverse("admin:thx_cron_job_change", args=[job.pk])).content
    select = re.search(r'<select name="action"[^>]*>(.*?)</select>', content.decode(), re.S)
    assert select is not None
    assert re.search(
        r'<option value="reports.retired" selected>reports.retired \(not registered\)</option>',
        select.group(1),
    )


def test_posting_an_unregistered_action_names_it_and_keeps_it_selected(admin_client):
    from tests.core.test_admin_manages_jobs_and_shows_runs import ADD_URL, job_form

    response = admin_client.post(ADD_URL, job_form(action="os.system"))
    assert response.context["adminform"].form.errors["action"] == [
        "'os.system' is not a registered action."
    ]
    assert '<option value="os.system" selected>' in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    "kind, fields",
    [
        ("interval", {"every_seconds": "90"}),
        ("once", {"run_at_0": "2199-01-02", "run_at_1": "03:04:05"}),
        ("calendar", {"month": "3", "day": "4", "hour": "5", "minute": "6"}),
    ],
)
def test_each_kind_saves_from_its_own_fieldset(admin_client, kind, fields):
    from tests.core.test_admin_manages_jobs_and_shows_runs import ADD_URL, job_form

    response = admin_client.post(ADD_URL, job_form(schedule_kind=kind, cron="", **fields))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Job.objects.get().schedule_kind == kind
