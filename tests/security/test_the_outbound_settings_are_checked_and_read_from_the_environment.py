"""The outbound allowances are checked with stable ids, and the standalone server reads them
(and THX_CRON_HTTP_ALLOWED_HOSTS) from the environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from thx_cron.checks import check_settings

REPORT = (
    "import django, json; django.setup();"
    "from thx_cron.security import outbound; from thx_cron.conf import thx_settings;"
    "from thx_cron.checks import check_settings;"
    "p = outbound.policy();"
    "print(json.dumps({'hosts': sorted(p.hosts), 'networks': [str(n) for n in p.networks],"
    " 'http': thx_settings.HTTP_ALLOWED_HOSTS, 'errors': [e.id for e in check_settings()]}))"
)


@pytest.mark.parametrize("value", ["intranet", [""], [5]])
def test_allowed_hosts_that_are_not_a_list_of_names_are_error_e030(
    settings: Any, value: Any
) -> None:
    settings.THX_CRON_OUTBOUND_ALLOWED_HOSTS = value
    [error] = check_settings()
    assert error.id == "thx_cron.E030" and "THX_CRON_OUTBOUND_ALLOWED_HOSTS" in error.msg


@pytest.mark.parametrize("value", [["10.0.0.0/33"], ["intranet"], [10]])
def test_an_allowed_network_that_is_not_a_network_is_error_e031(settings: Any, value: Any) -> None:
    settings.THX_CRON_OUTBOUND_ALLOWED_NETWORKS = value
    [error] = check_settings()
    assert error.id == "thx_cron.E031" and repr(value[0]) in error.msg


def test_the_standalone_server_reads_the_allowances_from_the_environment(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "thx_cron.standalone.settings",
        "THX_CRON_DATA_DIR": str(tmp_path),
        "THX_CRON_OUTBOUND_ALLOWED_HOSTS": "intranet, .corp.example",
        "THX_CRON_OUTBOUND_ALLOWED_NETWORKS": "10.0.0.0/8,::1/128",
        "THX_CRON_HTTP_ALLOWED_HOSTS": "hooks.example.org",
    }
    env.pop("DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", REPORT], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {
        "hosts": [".corp.example", "intranet"],
        "networks": ["10.0.0.0/8", "::1/128"],
        "http": ["hooks.example.org"],
        "errors": [],
    }


def test_the_standalone_default_refuses_every_internal_address(tmp_path: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "thx_cron.standalone.settings"}
    env["THX_CRON_DATA_DIR"] = str(tmp_path)
    for name in ("THX_CRON_OUTBOUND_ALLOWED_HOSTS", "THX_CRON_OUTBOUND_ALLOWED_NETWORKS"):
        env.pop(name, None)
    out = subprocess.run(
        [sys.executable, "-c", REPORT], env=env, capture_output=True, text=True, timeout=60
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["hosts"] == [] and report["networks"] == []
