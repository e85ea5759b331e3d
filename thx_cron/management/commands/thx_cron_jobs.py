from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from thx_cron.models import Job


class Command(BaseCommand):
    help = "List jobs with their schedule, next run and last status."

    def handle(self, *args: Any, **options: Any) -> None:
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
