"""thx-cron: scheduled jobs for Django."""

from thx_cron.actions.registry import action
from thx_cron.declared.declarations import job

__all__ = ["action", "job"]
__version__ = "0.1.0"
