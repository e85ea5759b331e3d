from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from thx_cron.management.arguments import find_job


class Command(BaseCommand):
    help = "Queue a run of a job now; a worker executes it (see `thx-cron runs --follow`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("job", help="the job's id or name")

    def handle(self, *args: Any, **options: Any) -> None:
        job = find_job(options["job"])
        run = job.run_now()
        self.stdout.write(f"run {run.pk} of job '{job.name}' queued")
