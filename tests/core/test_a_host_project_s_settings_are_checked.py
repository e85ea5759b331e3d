"""System checks on the project around thx-cron, each with its stable id: USE_TZ, thx-cron's own
django-q2 cluster and queues, and SQLite's options for several writers."""

from __future__ import annotations

import pytest

from thx_cron.host_checks import check_host

SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL;",
}


def ids(errors) -> list[str]:  # type: ignore[no-untyped-def]
    return [error.id for error in errors]


def test_the_test_settings_pass_every_host_check():
    assert check_host() == []


def test_use_tz_off_is_refused_with_e010(settings):
    settings.USE_TZ = False
    errors = check_host()
    assert ids(errors) == ["thx_cron.E010"] and "USE_TZ" in errors[0].msg


def test_a_cluster_name_without_an_alt_clusters_entry_is_e011(settings):
    settings.THX_CRON_CLUSTER = "thx-cron-runs"
    errors = check_host()
    assert ids(errors) == ["thx_cron.E011"] and "'thx-cron-runs'" in errors[0].msg


def test_a_named_cluster_that_lets_django_q2_retry_is_e012_naming_the_key(settings):
    settings.THX_CRON_CLUSTER = "thx-cron-runs"
    # The host's own cluster retries its tasks; thx-cron's must not inherit that.
    settings.Q_CLUSTER = {
        **settings.Q_CLUSTER,
        "max_attempts": 5,
        "ALT_CLUSTERS": {"thx-cron-runs": {"ack_failures": True}},
    }
    errors = check_host()
    assert ids(errors) == ["thx_cron.E012"]
    assert "'max_attempts'" in errors[0].msg and "thx-cron-runs" in errors[0].msg


def test_a_named_cluster_with_its_own_settings_leaves_the_host_s_alone(settings):
    settings.THX_CRON_CLUSTER = "thx-cron-runs"
    settings.Q_CLUSTER = {
        "name": "mysite",
        "orm": "default",
        "max_attempts": 5,
        "save_limit": 250,
        "ALT_CLUSTERS": {"thx-cron-runs": {"max_attempts": 1, "ack_failures": True}},
    }
    assert check_host() == []


def test_a_notification_queue_without_an_alt_clusters_entry_is_e013(settings):
    settings.THX_CRON_NOTIFICATION_QUEUE = "alerts"
    errors = check_host()
    assert ids(errors) == ["thx_cron.E013"] and "'alerts'" in errors[0].msg


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ("transaction_mode", "IMMEDIATE"),
        ("timeout", "busy timeout"),
        ("init_command", "journal_mode=WAL"),
    ],
)
def test_sqlite_without_one_of_its_three_options_is_e014_naming_it(missing, named):
    from django.db import connections

    options = {key: value for key, value in SQLITE_OPTIONS.items() if key != missing}
    config = connections.databases["default"]  # what the check reads
    kept = config["OPTIONS"]
    config["OPTIONS"] = options
    try:
        errors = check_host()
    finally:
        config["OPTIONS"] = kept
    assert ids(errors) == ["thx_cron.E014"]
    assert named in errors[0].msg and "WAL" in errors[0].hint


IN_MEMORY = "channels.layers.InMemoryChannelLayer"


@pytest.mark.parametrize(
    ("layers", "reason"),
    [
        ({"default": {"BACKEND": "channels_redis.core.NoSuchLayer"}}, "Cannot import BACKEND"),
        (
            {"default": {"BACKEND": IN_MEMORY, "CONFIG": ["x"]}},
            "CONFIG",
        ),
        (
            {"default": {"BACKEND": IN_MEMORY, "CONFIG": {"hots": 1}}},
            "hots",
        ),
        ({"default": IN_MEMORY}, "needs a dict with a BACKEND"),
        ([IN_MEMORY], "is list"),
    ],
)
def test_a_channel_layer_that_cannot_be_made_is_e015_with_the_reason(settings, layers, reason):
    settings.CHANNEL_LAYERS = layers
    errors = check_host()
    assert ids(errors) == ["thx_cron.E015"], errors
    assert "CHANNEL_LAYERS['default']" in errors[0].msg and reason in errors[0].msg, errors[0].msg


@pytest.mark.parametrize(
    "layers",
    [
        {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {"hosts": ["redis://127.0.0.1:6379/0"]},
            }
        },
        {"default": {"BACKEND": IN_MEMORY}},
        {},
    ],
)
def test_a_channel_layer_that_can_be_made_passes(settings, layers):
    settings.CHANNEL_LAYERS = layers
    assert check_host() == []


def test_a_project_without_channel_layers_passes(settings):
    del settings.CHANNEL_LAYERS
    assert check_host() == []
