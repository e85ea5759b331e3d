"""In real Chromium: staff see every job with an owner column and can filter by owner; another
user sees none of alice's jobs; GraphiQL renders and answers with the network cut off."""

from __future__ import annotations

from typing import Any

import pytest

from tests.dashboard.conftest import Server, log_in, screenshot
from tests.dashboard.test_a_user_follows_their_jobs_live_in_the_browser import make_job

pytestmark = [pytest.mark.slow]


def test_staff_see_every_job_with_its_owner_and_filter_by_owner(server: Server, chromium: Any):
    make_job("alice", "alice-report")
    make_job("bob", "bob-backup")
    page = server.page(chromium)
    log_in(page, server.base, "carol")
    page.locator("tr[data-job='bob-backup']").wait_for()
    assert page.get_by_role("columnheader", name="Owner").count() == 1
    owners = page.locator("td[data-col=owner]").all_inner_texts()
    assert sorted(owners) == ["alice", "bob"]
    page.get_by_label("Owner").fill("bob")
    page.locator("tr[data-job='alice-report']").wait_for(state="detached")
    assert page.locator("tbody tr").count() == 1
    screenshot(page, "jobs-overview-staff")


def test_another_user_sees_none_of_alice_s_jobs(server: Server, chromium: Any):
    make_job("alice", "alice-report")
    page = server.page(chromium)
    log_in(page, server.base, "bob")
    page.get_by_text("0 jobs").wait_for()
    assert page.locator("tr[data-job]").count() == 0


def test_graphiql_renders_and_answers_offline(server: Server, chromium: Any):
    page = server.page(chromium, offline=True)
    blocked: list[str] = []

    def failed(request: Any) -> None:
        # GraphiQL may abort a request of its own it no longer needs (a schema fetch that a
        # newer one replaced): that is not a resource missing offline.
        aborted = request.failure == "net::ERR_ABORTED" and request.url.startswith(server.base)
        if not aborted:
            blocked.append(f"{request.url} ({request.failure})")

    page.on("requestfailed", failed)
    log_in(page, server.base, "alice")
    page.goto(f"{server.base}/graphql")
    page.locator(".graphiql-container .graphiql-editors").wait_for(timeout=30_000)
    page.get_by_role("button", name="Execute query").click()
    page.locator(".result-window").get_by_text('"username": "alice"').wait_for(timeout=30_000)
    assert blocked == [], blocked
    screenshot(page, "graphiql")
