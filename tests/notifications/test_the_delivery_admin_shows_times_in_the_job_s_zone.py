"""Deliveries in the admin: times with seconds in their job's zone (UTC beside), coloured status."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from django.test import Client, override_settings
from django.utils.html import strip_tags

from tests.notifications.flow import finish
from thx_cron_notifications import processing
from thx_cron_notifications.models import NotificationDelivery


@override_settings(ROOT_URLCONF="tests.notifications.admin_urls")
def test_a_delivery_shows_its_times_in_the_job_s_zone(
    make_rule: Any, make_job: Any, user: Any, admin_client: Client
) -> None:
    make_rule(user)
    finish(make_job(owner=user, timezone="Asia/Tokyo", action="demo.fail", args=["x"]))
    [pk] = processing.process_new_events()
    created = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    NotificationDelivery.objects.filter(pk=pk).update(created_at=created)
    page = admin_client.get(f"/admin/thx_cron_notifications/notificationdelivery/{pk}/change/")
    text = re.sub(r"\s+", " ", strip_tags(page.content.decode()))
    assert "2026-03-04 14:06:07 JST (Asia/Tokyo) · 2026-03-04 05:06:07 UTC" in text
    listing = admin_client.get("/admin/thx_cron_notifications/notificationdelivery/")
    assert "2026-03-04 14:06:07 JST" in strip_tags(listing.content.decode())
    assert 'class="thx-status thx-status-queued"' in listing.content.decode()  # pending
