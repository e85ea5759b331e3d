"""Settings for benchmark processes: the standalone settings plus the probe action."""

from __future__ import annotations

from thx_cron.standalone.settings import *  # noqa: F403

THX_CRON_ACTIONS = {"bench.probe": "benchmarks.probe.probe"}
