"""The old path of `thx_cron.runner.execution`, for what a database stores by name."""

# thx-cron relayout: old path kept: django-q2 keeps the task path of every queued run.
from thx_cron.runner.execution import execute

__all__ = ["execute"]
