"""The admin shows a declared job's definition read-only; pause and run now still work."""

from __future__ import annotations

from typing import Any

import pytest

from thx_cron.declared.sync import sync
from thx_cron.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def declared_job(settings: Any) -> Job:
    settings.THX_CRON_JOBS = [
        {"key": "nightly", "action": "demo.echo", "args": ["hi"], "cron": "0 2 * * *"}
    ]
    sync()
    return Job.objects.get(key="nightly")


def test_the_change_form_has_no_inputs_for_the_definition(admin_client: Any, declared_job: Job):
    url = f"/admin/thx_cron/job/{declared_job.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert 'name="enabled"' in page
    for field in ("cron", "action", "args", "timezone", "name", "owner"):
        assert f'name="{field}"' not in page, field
    assert "key &#x27;nightly&#x27;" in page or "key 'nightly'" in page
    response = admin_client.post(url, {"cron": "* * * * *", "name": "renamed"})
    assert response.status_code == 302
    job = Job.objects.get(pk=declared_job.pk)
    assert (job.cron, job.name, job.enabled) == ("0 2 * * *", "nightly", False)


def test_a_declared_job_cannot_be_deleted_but_can_be_paused(admin_client: Any, declared_job: Job):
    assert admin_client.get(f"/admin/thx_cron/job/{declared_job.pk}/delete/").status_code == 403
    changelist = "/admin/thx_cron/job/"
    admin_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [declared_job.pk], "post": "yes"},
    )
    assert Job.objects.filter(pk=declared_job.pk).exists()
    admin_client.post(changelist, {"action": "pause", "_selected_action": [declared_job.pk]})
    assert not Job.objects.get(pk=declared_job.pk).enabled
