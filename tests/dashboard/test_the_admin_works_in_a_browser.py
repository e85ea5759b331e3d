"""In real Chromium against `thx-cron web` and a worker: the job form shows the chosen schedule
kind's fields only, and Run now on a job page makes a run that the worker executes, whose page
shows its output first."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from tests.dashboard.conftest import Server, screenshot
from tests.dashboard.test_a_user_follows_their_jobs_live_in_the_browser import make_job
from thx_cron.models import JobLog

pytestmark = [pytest.mark.slow]


def admin_log_in(page: Any, base: str) -> None:
    # carol is staff; the admin's buttons need the permissions a superuser holds.
    get_user_model().objects.filter(username="carol").update(is_superuser=True)
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.locator("#id_username").fill("carol")
    page.locator("#id_password").fill("carol-password")
    page.locator("input[type=submit]").click()
    page.locator("#site-name").wait_for()


def test_the_job_form_shows_the_chosen_schedule_kind_only(server: Server, chromium: Any):
    page = server.page(chromium)
    admin_log_in(page, server.base)
    page.goto(f"{server.base}/admin/thx_cron/job/add/")
    cron = page.locator("fieldset.thx-kind-cron")
    interval = page.locator("fieldset.thx-kind-interval")
    cron.wait_for()
    assert cron.is_visible() and not interval.is_visible()
    assert not page.locator("fieldset.thx-kind-calendar").is_visible()
    page.locator("#id_schedule_kind").select_option("interval")
    interval.wait_for(state="visible")
    assert not cron.is_visible()
    assert page.locator("#id_every_seconds").is_visible()
    screenshot(page, "admin-job-form-interval")


def test_run_now_in_the_admin_is_executed_by_the_worker(server: Server, chromium: Any):
    job = make_job("alice", "admin-run", args=["printed by the worker"])
    page = server.page(chromium)
    admin_log_in(page, server.base)
    page.goto(f"{server.base}/admin/thx_cron/job/{job.pk}/change/")
    page.get_by_role("button", name="Run now").click()
    page.locator("ul.messagelist a").click()  # "Queued run N of admin-run."
    run = JobLog.objects.get(job=job)
    deadline = time.monotonic() + 30
    while JobLog.objects.get(pk=run.pk).status != JobLog.Status.SUCCEEDED:
        assert time.monotonic() < deadline, JobLog.objects.get(pk=run.pk).status
        time.sleep(0.2)
    page.reload()
    page.get_by_role("heading", name=f"admin-run run {run.pk} (succeeded)").wait_for()
    first = page.locator("fieldset").first
    assert first.locator("h2").inner_text().lower() == "output"
    assert "printed by the worker" in first.inner_text()
    assert page.get_by_role("button", name="Re-run").is_visible()
    assert page.get_by_role("button", name="Cancel").count() == 0
    screenshot(page, "admin-run-page")
    page.get_by_role("link", name="admin-run").click()
    page.locator(f"table.thx-recent-runs a[href$='/joblog/{run.pk}/change/']").wait_for()
    screenshot(page, "admin-job-page")
