"""Settings for processes the scale tests start: the test process settings plus a witness action."""

from __future__ import annotations

import os

from tests.process_settings import *  # noqa: F403

THX_CRON_ACTIONS = {"scale.witness": "tests.scale.witness.witness"}

# Fault tests lose broker messages on purpose; they shorten the wait before a run is re-enqueued.
THX_CRON_REQUEUE_SECONDS = float(os.environ.get("THX_CRON_REQUEUE_SECONDS", "120"))

# Fleets here measure runs; notification sends stay on the main queue (no extra cluster each).
THX_CRON_WORKER_QUEUES: list[str] = []
THX_CRON_NOTIFICATION_QUEUE = ""
