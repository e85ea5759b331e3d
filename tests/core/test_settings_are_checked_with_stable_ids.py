from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from thx_cron.checks import check_settings


def test_the_test_settings_pass_the_checks():
    assert check_settings() == []


@pytest.mark.parametrize(
    "name, value",
    [
        ("THX_CRON_OUTPUT_LIMIT", 10),
        ("THX_CRON_DEFAULT_TIMEOUT", "soon"),
        ("THX_CRON_LEASE_SECONDS", True),
        ("THX_CRON_DISPATCH_BATCH", 0),
        ("THX_CRON_RETENTION_PER_JOB", -5),
    ],
)
def test_a_bad_number_is_error_e001_naming_the_setting(settings, name, value):
    setattr(settings, name, value)
    [error] = check_settings()
    assert error.id == "thx_cron.E001"
    assert name in error.msg and repr(value) in error.msg


def test_an_action_path_that_does_not_import_is_error_e002(settings):
    settings.THX_CRON_ACTIONS = {"reports.daily": "no.such.module.daily"}
    [error] = check_settings()
    assert error.id == "thx_cron.E002" and "reports.daily" in error.msg


def test_actions_that_are_not_a_dict_are_error_e002(settings):
    settings.THX_CRON_ACTIONS = ["no.such.module.daily"]
    assert [error.id for error in check_settings()] == ["thx_cron.E002"]


def test_a_lease_shorter_than_two_heartbeats_is_error_e003(settings):
    settings.THX_CRON_HEARTBEAT_SECONDS = 5
    settings.THX_CRON_LEASE_SECONDS = 6
    assert [error.id for error in check_settings()] == ["thx_cron.E003"]


@pytest.mark.parametrize("name", ["THX_CRON_ALLOWED_COMMANDS", "THX_CRON_HTTP_ALLOWED_HOSTS"])
def test_a_list_setting_given_as_a_string_is_error_e004(settings, name):
    setattr(settings, name, "check")
    [error] = check_settings()
    assert error.id == "thx_cron.E004" and name in error.msg


def test_a_django_q2_retry_shorter_than_the_longest_timeout_is_warning_w001(settings):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "retry": 60}
    assert [error.id for error in check_settings()] == ["thx_cron.W001"]


@pytest.mark.django_db  # Django 6's JSONField check asks the database what it supports
def test_manage_py_check_fails_on_a_bad_setting(settings):
    settings.THX_CRON_OUTPUT_LIMIT = 10
    with pytest.raises(SystemCheckError, match=r"thx_cron\.E001"):
        call_command("check")
