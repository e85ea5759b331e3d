"""`manage.py check` names each bad declaration with a stable id (thx_cron.E020-E022)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from thx_cron.checks import check_allowed_programs, check_declared_jobs


def ids_and_messages(settings: Any) -> list[tuple[str, str]]:
    return [(error.id, error.msg) for error in check_declared_jobs()]


@pytest.mark.parametrize(
    ("declaration", "field", "words"),
    [
        ({"key": "a", "action": "nope.missing", "cron": "* * * * *"}, "action", "not a registered"),
        ({"key": "a", "action": "demo.echo", "args": ["x"], "cron": "0 25 * * *"}, "cron", "hour"),
        (
            {
                "key": "a",
                "action": "demo.echo",
                "args": ["x"],
                "cron": "0 2 * * *",
                "timezone": "Mars/Base",
            },
            "timezone",
            "Mars/Base",
        ),
        ({"key": "a", "action": "demo.echo", "args": ["x"]}, "schedule", "exactly one"),
        (
            {"key": "a", "action": "demo.echo", "cron": "* * * * *", "color": "red"},
            "color",
            "Unknown",
        ),
        ({"key": "a", "action": "demo.echo", "args": [], "cron": "* * * * *"}, "args", "message"),
        ({"key": "a", "action": "demo.echo", "args": ["x"], "every": 0}, "every", ">= 1"),
    ],
)
def test_a_bad_declaration_is_reported_naming_it_and_the_field(
    settings: Any, declaration: dict[str, Any], field: str, words: str
) -> None:
    settings.THX_CRON_JOBS = [declaration]
    [(error_id, message)] = ids_and_messages(settings)
    assert error_id == "thx_cron.E020"
    assert message.startswith(f"Declared job THX_CRON_JOBS[0]: {field}: "), message
    assert words in message


def test_a_key_declared_twice_is_reported(settings: Any) -> None:
    job = {"key": "a", "action": "demo.echo", "args": ["x"], "cron": "* * * * *"}
    settings.THX_CRON_JOBS = [job, job]
    [(error_id, message)] = ids_and_messages(settings)
    assert error_id == "thx_cron.E020" and "THX_CRON_JOBS[1]: key" in message


def test_a_bad_jobs_file_is_reported_with_its_table(settings: Any, tmp_path: Path) -> None:
    path = tmp_path / "jobs.toml"
    path.write_text('[jobs.backup]\naction = "demo.echo"\nargs = ["x"]\ncron = "0 2 * * 8"\n')
    settings.THX_CRON_JOBS_FILE = str(path)
    [(error_id, message)] = ids_and_messages(settings)
    assert error_id == "thx_cron.E020"
    assert f"jobs file {path} [jobs.backup]: cron" in message
    path.write_text("[jobs.backup\n")
    [(_, message)] = ids_and_messages(settings)
    assert "toml: Not valid TOML" in message
    settings.THX_CRON_JOBS_FILE = str(tmp_path / "missing.toml")
    [(_, message)] = ids_and_messages(settings)
    assert "Cannot read it" in message


def test_an_action_module_that_cannot_be_imported_is_reported(settings: Any) -> None:
    settings.THX_CRON_ACTION_MODULES = ["tests.no_such_module"]
    assert [error.id for error in check_declared_jobs()] == ["thx_cron.E021"]


def test_allowed_programs_must_be_absolute(settings: Any) -> None:
    settings.THX_CRON_ALLOWED_PROGRAMS = ["/usr/bin/*", "backup.sh"]
    [error] = check_allowed_programs()
    assert error.id == "thx_cron.E022" and "'backup.sh'" in error.msg


@pytest.mark.django_db  # on Django 6, its model checks ask the database about JSON support
def test_manage_py_check_fails_on_a_bad_declaration(settings: Any) -> None:
    settings.THX_CRON_JOBS = [{"key": "a", "action": "nope.missing", "cron": "* * * * *"}]
    with pytest.raises(SystemCheckError, match="thx_cron.E020"):
        call_command("check")
