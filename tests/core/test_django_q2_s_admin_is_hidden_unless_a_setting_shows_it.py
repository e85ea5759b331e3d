"""django-q2's own admin models ("Task queue": schedules, successes, failures, queued tasks)
look like a second scheduler: hidden by default, shown with THX_CRON_ADMIN_SHOW_DJANGO_Q."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django_q.models import Failure, OrmQ, Schedule, Success

from thx_cron.admin.django_q import HiddenUnlessShown, hide_django_q
from thx_cron.checks import check_admin_settings

pytestmark = pytest.mark.django_db

PAGES = [
    "/admin/django_q/schedule/",
    "/admin/django_q/success/",
    "/admin/django_q/failure/",
    "/admin/django_q/ormq/",
]


def test_the_admin_index_shows_thx_cron_but_not_django_q2(admin_client):
    content = admin_client.get("/admin/").content.decode()
    assert "/admin/thx_cron/job/" in content
    assert "/admin/django_q/" not in content and "Task queue" not in content


@pytest.mark.parametrize("page", PAGES)
def test_django_q2_s_pages_are_refused_by_default(admin_client, page):
    assert admin_client.get(page).status_code == 403


def test_the_setting_shows_them_again(admin_client, settings):
    settings.THX_CRON_ADMIN_SHOW_DJANGO_Q = True
    content = admin_client.get("/admin/").content.decode()
    assert "/admin/django_q/schedule/" in content
    for page in PAGES:
        assert admin_client.get(page).status_code == 200, page


def test_every_django_q2_model_admin_is_behind_the_setting():
    for model in (Schedule, Success, Failure, OrmQ):
        assert isinstance(admin.site.get_model_admin(model), HiddenUnlessShown), model
    assert hide_django_q(admin.site) == []  # idempotent: already hidden


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_a_setting_that_is_not_a_boolean_is_error_e050(settings, value):
    settings.THX_CRON_ADMIN_SHOW_DJANGO_Q = value
    [error] = check_admin_settings()
    assert error.id == "thx_cron.E050"
    assert "THX_CRON_ADMIN_SHOW_DJANGO_Q" in error.msg


@pytest.mark.parametrize("value", [True, False])
def test_a_boolean_setting_passes_the_check(settings, value):
    settings.THX_CRON_ADMIN_SHOW_DJANGO_Q = value
    assert check_admin_settings() == []


@pytest.mark.parametrize("value, shown", [("", "False"), ("1", "True")])
def test_the_standalone_server_reads_the_setting_from_its_environment(value, shown):
    import subprocess
    import sys

    from tests.processes import ROOT, process_env, sqlite_url

    read = "from thx_cron.conf import thx_settings; print(thx_settings.ADMIN_SHOW_DJANGO_Q)"
    done = subprocess.run(
        [sys.executable, "-m", "thx_cron", "shell", "-c", read],
        env=process_env(sqlite_url(), THX_CRON_ADMIN_SHOW_DJANGO_Q=value),
        cwd=str(ROOT),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.strip().splitlines()[-1] == shown, done.stderr
