"""The no-op as a thx-cron action (THX_CRON_ACTION_MODULES=peers_site.thx_actions)."""

from __future__ import annotations

from peers_site.record import record

from thx_cron import action

action("peers.noop", description="benchmarks/peers.py: record the start, nothing else")(record)
