from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from thx_cron.declared.sync import SyncError, sync
from thx_cron.models import Job


class Command(BaseCommand):
    help = (
        "List jobs with their schedule, next run and last status; `jobs sync` brings the jobs "
        "declared in code into the database (--dry-run shows what it would change, --check "
        "exits 1 when the database differs from the code)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", nargs="?", choices=["list", "sync"], default="list")
        parser.add_argument("--dry-run", action="store_true", help="sync: change nothing")
        parser.add_argument(
            "--check", action="store_true", help="sync: change nothing, exit 1 on drift"
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "sync":
            self.sync(options)
        else:
            self.list()

    def sync(self, options: dict[str, Any]) -> None:
        read_only = options["dry_run"] or options["check"]
        try:
            result = sync(using=options["database"], dry_run=read_only)
        except SyncError as exc:
            for error in exc.errors:
                self.stderr.write(f"{error.source}: {error.field}: {error.message}")
            raise CommandError("Declared jobs not synced: fix the declarations above.") from None
        for line in result.lines():
            self.stdout.write(line)
        if options["check"] and result.drift:
            self.stderr.write(f"Declared jobs differ from the database: {result.summary()}.")
            raise SystemExit(1)
        verb = "would be" if read_only else ""
        self.stdout.write(f"Declared jobs {verb + ' ' if verb else ''}{result.summary()}.")

    def list(self) -> None:
        rows = [("ID", "NAME", "ENABLED", "SCHEDULE", "NEXT RUN", "LAST STATUS")]
        for job in Job.objects.select_related("owner").order_by("id"):
            rows.append(
                (
                    str(job.pk),
                    job.name,
                    "yes" if job.enabled else "no",
                    job.schedule.describe(),
                    job.next_run_at.isoformat(timespec="seconds") if job.next_run_at else "-",
                    job.last_status or "-",
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())
