"""In real Chromium: a user creates a notification rule from the dashboard; the rule is stored with
the events and scope chosen (sent as the API's enums) and listed in words."""

from __future__ import annotations

from typing import Any

import pytest

from tests.dashboard.conftest import Server, log_in
from thx_cron_notifications.models import NotificationRule

pytestmark = [pytest.mark.slow]


def test_a_rule_made_in_the_form_is_stored_with_its_events_and_scope(server: Server, chromium: Any):
    page = server.page(chromium)
    log_in(page, server.base, "alice")
    page.get_by_role("link", name="Notifications").click()
    page.get_by_role("button", name="New rule").click()
    form = page.get_by_role("form", name="New rule")
    form.locator("input[name=name]").fill("ops alerts")
    form.locator("textarea[name=urls]").fill("json://127.0.0.1:9/hook")
    form.get_by_label("lost").check()
    form.locator("select[name=scope]").select_option("TAGS")
    form.locator("input[name=tags]").fill("reports")
    form.get_by_role("button", name="Save rule").click()
    row = page.get_by_role("row").filter(has_text="ops alerts")
    row.wait_for()
    assert "failed, lost" in row.inner_text()
    assert "tags: reports" in row.inner_text()
    rule = NotificationRule.objects.get(name="ops alerts")
    assert (rule.owner.get_username(), rule.events, rule.scope, rule.tags) == (
        "alice",
        ["failed", "lost"],
        "tags",
        ["reports"],
    )
