"""Migrating thx-cron's apps to zero (what `thx-cron uninstall` does) drops their tables without
a post-migrate hook failing, and removes the django-q2 schedules thx-cron created, so that the
host's qcluster never runs a function that is gone. The host's own schedules stay."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django_q.models import Schedule

pytestmark = pytest.mark.django_db(transaction=True)


def thx_tables() -> list[str]:
    return [t for t in connection.introspection.table_names() if t.startswith("thx_cron")]


def test_uninstall_drops_the_tables_and_the_schedules_and_keeps_the_host_s_schedule():
    Schedule.objects.create(name="host report", func="math.floor", schedule_type=Schedule.DAILY)
    assert Schedule.objects.filter(name__startswith="thx-cron ").count() == 3
    try:
        call_command("thx_cron_uninstall", "--yes", verbosity=0)
        assert thx_tables() == []
        assert list(Schedule.objects.values_list("name", flat=True)) == ["host report"]
    finally:
        call_command("migrate", verbosity=0)  # the next tests need the tables back
    assert Schedule.objects.filter(name__startswith="thx-cron ").count() == 3


def test_migrating_the_notifications_app_to_zero_alone_works_and_removes_its_sweep():
    try:
        call_command("migrate", "thx_cron_notifications", "zero", verbosity=0)
        assert not any(t.startswith("thx_cron_notifications") for t in thx_tables())
        names = set(Schedule.objects.values_list("name", flat=True))
        assert "thx-cron notifications sweep" not in names
        assert {"thx-cron dispatch", "thx-cron prune"} <= names
    finally:
        call_command("migrate", verbosity=0)
