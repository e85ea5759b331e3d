"""The standalone server's environment: a malformed variable stops `thx-cron` with one line naming
the variable and the reason (exit status 1, no traceback); the usual yes/no spellings are read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.processes import ROOT
from thx_cron.standalone import environment

pytestmark = pytest.mark.slow

THX_CRON = str(Path(sys.executable).with_name("thx-cron"))
YES_NO = "is not a yes/no value: use 1/0, true/false, yes/no or on/off"


def thx_cron(tmp_path: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "thx_cron.standalone.settings",
        "THX_CRON_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "thx-cron-tests",
    }
    env.pop("DATABASE_URL", None)
    env.pop("THX_CRON_REDIS_URL", None)
    env.update(variables)
    return subprocess.run(
        [THX_CRON, *args], env=env, cwd=str(ROOT), capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    "name, value, reason",
    [
        ("DEBUG", "ture", YES_NO),
        ("THX_CRON_DEMO_ACTIONS", "maybe", YES_NO),
        ("THX_CRON_DATABASE_PREPARE", "2", YES_NO),
        ("THX_CRON_WORKERS", "two", "is not a whole number"),
        ("THX_CRON_WORKERS", "0", "must be at least 1"),
        ("THX_CRON_MAX_TIMEOUT", "1d", "is not a whole number"),
        ("THX_CRON_LOGIN_FAILURE_LIMIT", "3.5", "is not a whole number"),
        ("THX_CRON_MAX_RUNNING_PER_USER", "-1", "must be at least 0"),
        ("THX_CRON_SHUTDOWN_GRACE", "soon", "is not a number"),
        ("THX_CRON_LOG_FORMAT", "xml", "must be one of text, json"),
        ("LOG_LEVEL", "loud", "is not a log level: DEBUG, INFO, WARNING, ERROR or CRITICAL"),
        ("TIME_ZONE", "Mars/Olympus_Mons", "is not an IANA time zone such as UTC or Europe/Paris"),
    ],
)
def test_a_malformed_variable_stops_the_command_naming_it(
    tmp_path: Path, name: str, value: str, reason: str
) -> None:
    done = thx_cron(tmp_path, "check", **{name: value})
    assert done.returncode == 1, done.stderr
    assert done.stderr == f"thx-cron: The environment variable {name}={value!r} {reason}.\n"
    assert done.stdout == ""


def test_thx_cron_s_own_commands_refuse_it_too(tmp_path: Path) -> None:
    for command in (["jobs"], ["worker"], ["serve", "--port", "0"]):
        done = thx_cron(tmp_path, *command, DEBUG="of")
        assert done.returncode == 1, (command, done.stderr)
        assert done.stderr.startswith("thx-cron: The environment variable DEBUG='of' is not")
        assert "Traceback" not in done.stderr


def test_a_malformed_database_url_is_named_without_its_password(tmp_path: Path) -> None:
    done = thx_cron(tmp_path, "check", DATABASE_URL="postgress://thx:s3cret@db.example/thx")
    assert done.returncode == 1
    assert done.stderr.startswith("thx-cron: The environment variable DATABASE_URL is not a ")
    assert "s3cret" not in done.stderr and "Traceback" not in done.stderr


def test_the_usual_spellings_are_read(tmp_path: Path) -> None:
    show = "from django.conf import settings as s; print(s.DEBUG, s.THX_CRON_DEMO_ACTIONS)"
    done = thx_cron(tmp_path, "shell", "-c", show, DEBUG=" Yes ", THX_CRON_DEMO_ACTIONS="OFF")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "True False"


@pytest.mark.parametrize(
    "value, read",
    [
        *[(v, True) for v in ("1", "true", "True", "YES", "on", " On ")],
        *[(v, False) for v in ("0", "false", "FALSE", "no", "No", "off")],
    ],
)
def test_each_yes_no_spelling_is_read_in_any_case(
    monkeypatch: pytest.MonkeyPatch, value: str, read: bool
) -> None:
    monkeypatch.setenv("THX_CRON_SOME_FLAG", value)
    assert environment.flag("THX_CRON_SOME_FLAG", not read) is read


@pytest.mark.parametrize("value", [None, "", "  "])
def test_an_unset_or_blank_variable_takes_its_default(
    monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv("THX_CRON_SOME_VALUE", raising=False)
    else:
        monkeypatch.setenv("THX_CRON_SOME_VALUE", value)
    assert environment.flag("THX_CRON_SOME_VALUE", True) is True
    assert environment.whole("THX_CRON_SOME_VALUE", 7, minimum=1) == 7
    assert environment.optional_whole("THX_CRON_SOME_VALUE") is None
    assert environment.number("THX_CRON_SOME_VALUE", 2.5) == 2.5


@pytest.mark.parametrize("value", ["nan", "-inf", "-0.5"])
def test_a_number_below_its_minimum_or_not_a_number_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("THX_CRON_SOME_VALUE", value)
    with pytest.raises(ImproperlyConfigured, match="THX_CRON_SOME_VALUE"):
        environment.number("THX_CRON_SOME_VALUE", 1.0)
