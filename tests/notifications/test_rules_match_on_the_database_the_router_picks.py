"""A host whose router puts thx-cron and its notifications on a database that is not its default
one: the matcher locks its cursor, reads the events and writes the deliveries there, in one
transaction of that database, and the long-running check writes there too."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from tests.notifications.flow import finish
from tests.services import needs_postgres
from thx_cron import statements
from thx_cron_notifications import processing
from thx_cron_notifications.models import EventCursor, NotificationDelivery

pytestmark = [
    needs_postgres,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, databases=["default", "postgres"]),
]

# The users too: rules and jobs point at them, and Django keeps no relation across databases.
ROUTED = {"auth", "thx_cron", "thx_cron_notifications"}


class ThxCronToPostgres:
    """Every model of thx-cron, of its notifications and of auth on the suite's PostgreSQL
    database."""

    def db_for_read(self, model, **hints):
        return "postgres" if model._meta.app_label in ROUTED else None

    db_for_write = db_for_read


@pytest.fixture(autouse=True)
def on_postgres():
    with override_settings(DATABASE_ROUTERS=[f"{__name__}.ThxCronToPostgres"]):
        assert statements.alias() == "postgres"
        yield


def test_a_failure_is_matched_and_its_delivery_written_on_the_routed_database(
    make_rule: Any, make_job: Any
) -> None:
    owner = get_user_model().objects.create(username="routed-owner")
    rule = make_rule(owner, events=["failed"])
    job = make_job(owner_id=owner.pk)
    failed = finish(job)  # the matcher runs as the events commit (apps.on_job_event)
    delivery = NotificationDelivery.objects.using("postgres").get()
    assert (delivery.rule_id, delivery.run_id, delivery.event) == (rule.pk, failed.pk, "failed")
    cursor = EventCursor.objects.using("postgres").get(name=processing.CURSOR)
    assert cursor.last_event_id >= failed.events.order_by("-id").first().pk
    # Matching again, as the periodic task does, finds nothing new and writes nothing twice.
    assert processing.process_new_events(lookback=True) == []
    assert NotificationDelivery.objects.using("postgres").count() == 1
