from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from thx_cron.management.arguments import find_run
from thx_cron.models import JobLog, RunFinished


class Command(BaseCommand):
    help = "Cancel a queued run at once, or ask the worker to stop a running one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("run", help="the run's id")

    def handle(self, *args: Any, **options: Any) -> None:
        run = find_run(options["run"])
        try:
            run = run.cancel()
        except RunFinished:
            raise CommandError(f"run: run {run.pk} has already finished ({run.status}).") from None
        if run.status == JobLog.Status.CANCELLED:
            self.stdout.write(f"run {run.pk} of job '{run.job.name}' cancelled")
        else:
            self.stdout.write(f"run {run.pk} of job '{run.job.name}': its worker was asked to stop")
