"""In real Chromium: a job created through the form with a bad cron shows the error at the field,
then saves with a good one; a running run is cancelled from its page; when the WebSocket drops
(the web process restarts) the page says so, resumes after the last event, and misses nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.dashboard.conftest import Server, log_in, screenshot
from tests.dashboard.test_a_user_follows_their_jobs_live_in_the_browser import make_job
from thx_cron import dispatch, lifecycle
from thx_cron.models import Job, JobLog

pytestmark = [pytest.mark.slow]


def test_a_bad_cron_is_shown_at_its_field_and_a_good_one_saves(server: Server, chromium: Any):
    page = server.page(chromium)
    log_in(page, server.base, "alice")
    page.get_by_role("link", name="New job").click()
    # The form replaces the job list once the page has routed the new address; until then the list,
    # whose search box is also labelled "Name", is still on the page.
    page.get_by_role("heading", name="New job").wait_for()
    page.get_by_label("Name", exact=True).fill("nightly")
    page.get_by_label("Action").select_option("demo.echo")
    page.get_by_label("message").fill("hello")
    cron = page.get_by_label("Cron expression")
    cron.fill("61 * * * *")
    page.get_by_test_id("preview").get_by_text("61").wait_for()  # the preview names the problem
    page.get_by_role("button", name="Create job").click()
    error = page.locator("[data-field=cron] .error")
    error.wait_for()
    assert "61" in error.inner_text(), error.inner_text()
    assert not Job.objects.filter(name="nightly").exists()
    screenshot(page, "job-form-error")

    cron.fill("30 2 * * *")
    page.get_by_test_id("preview").locator("li").first.wait_for()
    page.get_by_role("button", name="Create job").click()
    page.get_by_role("heading", name="nightly").wait_for()
    job = Job.objects.get(name="nightly")
    assert (job.cron, job.args, job.owner.username) == ("30 2 * * *", ["hello"], "alice")
    assert page.locator(".occurrences li").count() == 10
    screenshot(page, "job-page")


def test_a_running_run_is_cancelled_from_its_page(server: Server, chromium: Any, tmp_path: Path):
    job = make_job("alice", "long", action="tests.print_until", args=[str(tmp_path / "never")])
    run = lifecycle.create_run(job, trigger=JobLog.Trigger.MANUAL)
    dispatch.enqueue_now(run)
    page = server.page(chromium)
    log_in(page, server.base, "alice")
    page.goto(f"{server.base}/#/runs/{_node_id('JobLog', run.pk)}")
    page.locator("h1 .status[data-status=RUNNING]").wait_for(timeout=30_000)
    page.get_by_role("button", name="Cancel").click()
    page.locator("h1 .status[data-status=CANCELLED]").wait_for(timeout=30_000)
    page.get_by_role("button", name="Cancel").wait_for(state="detached")
    assert JobLog.objects.get(pk=run.pk).status == JobLog.Status.CANCELLED


def test_a_dropped_websocket_resumes_after_the_last_event_without_a_gap(
    server: Server, chromium: Any
):
    job = make_job("alice", "steady")
    page = server.page(chromium)
    log_in(page, server.base, "alice")
    row = page.locator("tr[data-job='steady']")
    row.wait_for()
    page.locator(".connection[data-state=live]").wait_for()
    page.evaluate("window.__sameDocument = true")

    server.stop_web()
    page.locator(".connection[data-state=reconnecting]").wait_for(timeout=30_000)
    # Two runs finish while the page has no connection.
    for _ in range(2):
        run = lifecycle.create_run(job, trigger=JobLog.Trigger.MANUAL)
        dispatch.enqueue_now(run)
        _wait_finished(run.pk)
    server.start_web()

    page.locator(".connection[data-state=live]").wait_for(timeout=30_000)
    row.locator(".strip .bar").nth(1).wait_for(timeout=30_000)
    assert row.locator(".strip .bar").count() == 2
    row.locator("[data-col=last] .status[data-status=SUCCEEDED]").wait_for()
    assert page.evaluate("window.__sameDocument") is True


def _wait_finished(pk: int) -> None:
    from tests.processes import wait_for

    wait_for(lambda: JobLog.objects.get(pk=pk).status not in JobLog.ACTIVE_STATUSES, timeout=30)


def _node_id(type_name: str, pk: int) -> str:
    from strawberry.relay import to_base64

    return to_base64(type_name, pk)
