"""A module of jobs declared with @thx_cron.job, for worker processes that tests start.

Imported only through THX_CRON_ACTION_MODULES; the cron comes from the environment so that a
test can change "the code" between two starts of a worker.
"""

from __future__ import annotations

import os

import thx_cron


@thx_cron.job(
    key="tests.report",
    cron=os.environ.get("THX_CRON_TEST_DECLARED_CRON", "0 2 * * *"),
    timezone="Europe/Rome",
    max_retries=2,
)
@thx_cron.action("tests.report")
def report() -> str:
    """Print a report line."""
    print("report")
    return "report"
