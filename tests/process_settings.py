"""Settings for worker and web processes that tests start: the standalone settings, plus the
test actions and short heartbeats so that failures are detected within seconds."""

from __future__ import annotations

import os

from thx_cron.standalone.settings import *  # noqa: F403
from thx_cron.standalone.settings import INSTALLED_APPS, Q_CLUSTER

INSTALLED_APPS = [*INSTALLED_APPS, "tests"]
THX_CRON_HEARTBEAT_SECONDS = float(os.environ.get("THX_CRON_HEARTBEAT_SECONDS", "0.2"))
THX_CRON_LEASE_SECONDS = float(os.environ.get("THX_CRON_LEASE_SECONDS", "2"))
THX_CRON_REQUEUE_SECONDS = float(os.environ.get("THX_CRON_REQUEUE_SECONDS", "120"))
THX_CRON_ALLOWED_COMMANDS = ["check"]
Q_CLUSTER = {**Q_CLUSTER, "workers": int(os.environ.get("THX_CRON_WORKERS", "2"))}
# The suite's receivers listen on loopback; a test that needs the default policy sets the variable.
if "THX_CRON_OUTBOUND_ALLOWED_NETWORKS" not in os.environ:
    THX_CRON_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]
