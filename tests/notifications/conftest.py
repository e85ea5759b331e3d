from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.notifications.peers import SmtpServer, WebhookReceiver
from thx_cron_notifications.models import NotificationRule


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def make_rule(db: Any) -> Callable[..., NotificationRule]:
    """Build, validate and save a rule; keyword arguments override the defaults."""
    counter = iter(range(1, 1_000_000))

    def make(owner: Any, **fields: Any) -> NotificationRule:
        jobs = fields.pop("jobs", None)
        values: dict[str, Any] = {
            "name": f"rule-{next(counter)}",
            "urls": ["json://127.0.0.1:9/unused"],
            "events": ["failed"],
        }
        values.update(fields)
        rule = NotificationRule(owner=owner, **values)
        rule.full_clean(exclude=["jobs"])
        rule.save()
        if jobs:
            rule.jobs.set(jobs)
        return rule

    return make
