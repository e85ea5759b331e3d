from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from thx_cron.management.arguments import find_job


class Command(BaseCommand):
    help = "Stop dispatching a job (its waiting scheduled runs are cancelled) until resumed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("job", help="the job's id or name")

    def handle(self, *args: Any, **options: Any) -> None:
        job = find_job(options["job"])
        job.pause()
        self.stdout.write(f"job {job.pk} '{job.name}' paused")
