"""Every declared setting given a value of the wrong type is reported by `manage.py check` with a
message naming it, and reading it through the accessor raises ImproperlyConfigured naming it;
a correct value reads back as the declared type."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from thx_cron.conf import Setting, ThxCronSettings, thx_settings
from thx_cron_notifications.conf import NotificationSettings, notify_settings

DECLARED = [*ThxCronSettings.declared(), *NotificationSettings.declared()]
# A typo for each type: a number, a list or a dict written as a string, a flag written as text.
MALFORMED: dict[str, object] = {
    "int": "10",
    "float": "0.5",
    "int | None": "2",
    "bool": "false",
    "str": 5,
    "list[str]": "check",
    "list[dict]": "jobs.toml",
    "dict[str, str]": ["reports.daily"],
}


@pytest.mark.django_db  # Django 6's JSONField check asks the database what it supports
@pytest.mark.parametrize("setting", DECLARED, ids=lambda s: s.name)
def test_a_value_of_the_wrong_type_is_a_check_error_naming_the_setting(
    setting: Setting[Any],
) -> None:
    with override_settings(**{setting.name: MALFORMED[setting.kind]}):
        errors = [e for e in run_checks() if e.is_serious() and setting.name in e.msg]
        with pytest.raises(ImproperlyConfigured, match=setting.name):
            setting.value()
    assert errors, f"no check reports a malformed {setting.name}"
    assert all(e.id.startswith(("thx_cron.E", "thx_cron_notifications.E")) for e in errors)


def test_the_test_settings_pass_every_check() -> None:
    assert [e.id for e in run_checks() if e.is_serious()] == []


@pytest.mark.parametrize("setting", DECLARED, ids=lambda s: s.name)
def test_the_default_reads_back_as_the_declared_type(setting: Setting[Any]) -> None:
    with override_settings():
        from django.conf import settings

        if hasattr(settings, setting.name):
            delattr(settings, setting.name)
        assert setting.raw() == setting.default
        value = setting.value()
    assert value == setting.default or (setting.default in ("", 0) and value is None)


def test_a_read_follows_override_settings() -> None:
    with override_settings(THX_CRON_OUTPUT_LIMIT=4096, THX_CRON_NOTIFICATION_TIMEOUT=3):
        assert thx_settings.OUTPUT_LIMIT == 4096 and notify_settings.TIMEOUT == 3.0
        assert isinstance(notify_settings.TIMEOUT, float)
    assert thx_settings.OUTPUT_LIMIT == 65_536


def test_a_setting_that_is_not_declared_is_no_attribute() -> None:
    with pytest.raises(AttributeError):
        thx_settings.OUTPUT_LIMT  # type: ignore[attr-defined]  # noqa: B018
