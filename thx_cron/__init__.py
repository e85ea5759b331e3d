"""thx-cron: scheduled jobs for Django."""

from thx_cron.declarations import job
from thx_cron.registry import action

__all__ = ["action", "job"]
__version__ = "0.1.0"
