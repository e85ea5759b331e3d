from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from thx_cron.management.arguments import find_job


class Command(BaseCommand):
    help = "Dispatch a paused job again from its next occurrence."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("job", help="the job's id or name")

    def handle(self, *args: Any, **options: Any) -> None:
        job = find_job(options["job"])
        job.resume()
        job.refresh_from_db(fields=["next_run_at"])
        upcoming = job.next_run_at.isoformat(timespec="seconds") if job.next_run_at else "none"
        self.stdout.write(f"job {job.pk} '{job.name}' resumed; next run {upcoming}")
