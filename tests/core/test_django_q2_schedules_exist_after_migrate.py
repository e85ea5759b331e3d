from __future__ import annotations

import pytest
from django.core.management import call_command
from django_q.models import Schedule

pytestmark = pytest.mark.django_db


def q2_schedules():
    return sorted(
        Schedule.objects.filter(name__in=["thx-cron dispatch", "thx-cron prune"]).values_list(
            "name", "func", "schedule_type", "minutes"
        )
    )


EXPECTED = [
    ("thx-cron dispatch", "thx_cron.dispatch.tick", Schedule.MINUTES, 1),
    ("thx-cron prune", "thx_cron.retention.prune", Schedule.MINUTES, 60),
]


def test_migrate_creates_the_dispatch_and_prune_schedules():
    assert q2_schedules() == EXPECTED


def test_migrating_again_neither_duplicates_nor_keeps_edited_schedules():
    Schedule.objects.filter(name="thx-cron prune").update(minutes=5)
    call_command("migrate", verbosity=0)
    assert q2_schedules() == EXPECTED


def test_the_scheduled_functions_can_be_called_as_django_q2_calls_them():
    from django.utils.module_loading import import_string

    for _, func, _, _ in EXPECTED:
        import_string(func)()
