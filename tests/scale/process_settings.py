"""Settings for processes the scale tests start: the test process settings plus a witness action."""

from __future__ import annotations

from tests.process_settings import *  # noqa: F403

THX_CRON_ACTIONS = {"scale.witness": "tests.scale.witness.witness"}
