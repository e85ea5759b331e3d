from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from thx_cron.management.arguments import find_job
from thx_cron.models import JobLog


class Command(BaseCommand):
    help = "Run one job now in the foreground and print its output."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("job", help="the job's id or name")

    def handle(self, *args: Any, **options: Any) -> None:
        job = find_job(options["job"])
        # In the foreground the operator sees the failure and decides; no retry is queued behind.
        run = job.run_in_foreground()
        self.stdout.write(f"run {run.pk} {run.status} in {run.duration_seconds or 0:.3f} s")
        if run.result is not None:
            self.stdout.write(f"result: {run.result!r}")
        if run.status != JobLog.Status.SUCCEEDED:
            if run.traceback:
                self.stderr.write(run.traceback)
            raise CommandError(f"job '{job.name}' {run.status}: {run.error}")
