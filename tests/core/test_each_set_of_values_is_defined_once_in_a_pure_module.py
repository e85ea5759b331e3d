"""Schedule kinds, misfire policies, notification events and the schedule fields are written
once, in modules that import no Django; the models' choices and the API are built from them."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

from thx_cron.declared.declarations import DEFINITION_FIELDS
from thx_cron.models import Job
from thx_cron.schedules.misfire import MisfirePolicy
from thx_cron.schedules.schedule import Kind
from thx_cron.schedules.schedule_fields import SCHEDULE_FIELDS
from thx_cron_graphql.inputs import FIELD_PATHS
from thx_cron_notifications.models import NotificationRule
from thx_cron_notifications.rules import Event


def _imports(module: str) -> set[str]:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_the_modules_that_define_them_import_no_django_not_even_through_each_other() -> None:
    # (The packages' __init__ modules are not followed: `thx_cron` re-exports the decorators.)
    ours = ("thx_cron.", "thx_cron_notifications.")
    pending = [
        "thx_cron.schedules.schedule_fields",
        "thx_cron.schedules.misfire",
        "thx_cron_notifications.rules",
    ]
    seen: set[str] = set()
    while pending:
        module = pending.pop()
        if module in seen:
            continue
        seen.add(module)
        imported = _imports(module)
        assert not {name for name in imported if name.split(".")[0] == "django"}, module
        pending += [name for name in imported if name.startswith(ours)]

    assert "thx_cron.schedules.schedule" in seen and "thx_cron.schedules.cron_walls" in seen


def test_the_model_choices_are_the_pure_values() -> None:
    assert Job.ScheduleKind.values == [kind.value for kind in Kind]
    assert Job.Misfire.values == [policy.value for policy in MisfirePolicy]
    assert NotificationRule.Event.values == [event.value for event in Event]
    assert dict(Job.Misfire.choices)["run_all"] == "run all missed occurrences"
    assert dict(NotificationRule.Event.choices)["timed_out"] == "timed out"


def test_declarations_own_the_schedule_fields_in_their_order() -> None:
    start = DEFINITION_FIELDS.index(SCHEDULE_FIELDS[0])

    assert DEFINITION_FIELDS[start : start + len(SCHEDULE_FIELDS)] == SCHEDULE_FIELDS
    assert FIELD_PATHS["run_at"] == "schedule.at" and FIELD_PATHS["day"] == "schedule.calendar"
