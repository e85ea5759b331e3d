"""In real Chromium, against real web and worker processes: a user logs in, sees only their own
jobs, starts a run from the overview and watches its status change without a reload; the run
page streams the output of a running run; pause and resume work inline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from tests.dashboard.conftest import Server, log_in, screenshot
from thx_cron.models import Job, JobLog

pytestmark = [pytest.mark.slow]


def make_job(owner: str, name: str, **fields: Any) -> Job:
    values: dict[str, Any] = {
        "name": name,
        "owner": get_user_model().objects.get(username=owner),
        "action": "demo.echo",
        "args": ["hello"],
        "schedule_kind": Job.ScheduleKind.CRON,
        "cron": "0 0 1 1 *",
        "timezone": "Europe/Rome",
        "tags": ["reports"],
    }
    values.update(fields)
    job = Job(**values)
    job.full_clean()
    job.save()
    return job


def test_a_run_started_from_the_overview_updates_its_row_live(server: Server, chromium: Any):
    make_job("alice", "alice-report")
    make_job("bob", "bob-secret")
    page = server.page(chromium)
    log_in(page, server.base, "alice")

    row = page.locator("tr[data-job='alice-report']")
    row.wait_for()
    assert page.locator("tr[data-job='bob-secret']").count() == 0
    assert page.get_by_role("columnheader", name="Owner").count() == 0
    assert row.locator("[data-col=last] .status").get_attribute("data-status") == ""
    page.locator(".connection[data-state=live]").wait_for()
    screenshot(page, "jobs-overview-before")

    page.evaluate("window.__sameDocument = true")  # gone if the page reloads
    row.get_by_role("button", name="Run alice-report now").click()
    row.locator("[data-col=last] .status[data-status=SUCCEEDED]").wait_for(timeout=30_000)
    assert page.evaluate("window.__sameDocument") is True
    assert row.locator(".strip .bar").count() == 1
    assert JobLog.objects.get(job__name="alice-report").status == JobLog.Status.SUCCEEDED
    screenshot(page, "jobs-overview")

    row.get_by_role("button", name="Pause alice-report").click()
    row.get_by_role("button", name="Resume alice-report").wait_for()
    assert Job.objects.get(name="alice-report").enabled is False
    row.get_by_role("button", name="Resume alice-report").click()
    row.get_by_role("button", name="Pause alice-report").wait_for()
    assert Job.objects.get(name="alice-report").enabled is True


def test_the_run_page_streams_the_output_of_a_running_run(
    server: Server, chromium: Any, tmp_path: Path
):
    release = tmp_path / "release"
    job = make_job("alice", "streamer", action="tests.print_until", args=[str(release)])
    page = server.page(chromium)
    log_in(page, server.base, "alice")
    page.goto(f"{server.base}/#/jobs/{_node_id('Job', job.pk)}")
    page.get_by_role("heading", name="streamer").wait_for()
    page.get_by_role("button", name="Run now").click()
    run_link = page.locator("table.runs tbody tr a").first
    run_link.wait_for(timeout=30_000)
    run_link.click()

    output = page.get_by_test_id("output")
    page.get_by_text("first line").wait_for(timeout=30_000)
    assert "second line" not in output.inner_text()
    page.evaluate("window.__sameDocument = true")
    screenshot(page, "run-page-running")
    release.touch()
    page.get_by_text("second line").wait_for(timeout=30_000)
    page.locator("h1 .status[data-status=SUCCEEDED]").wait_for(timeout=30_000)
    page.get_by_test_id("result").get_by_text("released").wait_for()
    assert page.evaluate("window.__sameDocument") is True
    kinds = page.locator(".timeline li").evaluate_all("items => items.map(i => i.dataset.kind)")
    assert kinds[0] == "QUEUED" and "STARTED" in kinds and "OUTPUT" in kinds, kinds
    assert kinds[-1] == "SUCCEEDED", kinds
    screenshot(page, "run-page")


def _node_id(type_name: str, pk: int) -> str:
    from strawberry.relay import to_base64

    return to_base64(type_name, pk)
