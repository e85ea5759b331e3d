from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from thx_cron.management.arguments import find_job, positive_int
from thx_cron.models import JobEvent, JobLog


class Command(BaseCommand):
    help = (
        "List recent runs, newest last; with --follow, keep printing their changes and output "
        "as they happen (Ctrl-C stops)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--job", help="only this job's runs (its id or name)")
        parser.add_argument(
            "--status",
            choices=JobLog.Status.values,
            help="only runs with this status: %(choices)s",
            metavar="STATUS",
        )
        parser.add_argument(
            "--limit", type=positive_int, default=20, help="how many runs (default: %(default)s)"
        )
        parser.add_argument(
            "--follow", "-f", action="store_true", help="then print changes and output live"
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=0.5,
            help="with --follow, seconds between looks (default: %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        job = find_job(options["job"]) if options["job"] else None
        runs = JobLog.objects.select_related("job").order_by("-queued_at", "-id")
        if job is not None:
            runs = runs.filter(job=job)
        if options["status"]:
            runs = runs.filter(status=options["status"])
        # The last event now: following starts after it, so nothing listed is printed twice.
        last_event = JobEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        rows = [("RUN", "JOB", "STATUS", "TRIGGER", "QUEUED", "DURATION")]
        for run in reversed(list(runs[: options["limit"]])):
            rows.append(
                (
                    str(run.pk),
                    run.job.name,
                    run.status,
                    run.trigger,
                    run.queued_at.isoformat(timespec="seconds"),
                    _duration(run.duration_seconds),
                )
            )
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())
        if options["follow"]:
            try:
                self._follow(last_event, job, options["status"], options["interval"])
            except KeyboardInterrupt:
                pass

    def _follow(self, after: int, job: Any, status: str | None, interval: float) -> None:
        # Characters of output printed per run: what output events did not carry (a short run
        # publishes none) is printed from the run when it ends.
        self._printed: dict[int, int] = {}
        while True:
            events = JobEvent.objects.after(after).select_related("job")
            if job is not None:
                events = events.filter(job=job)
            for event in events[:500]:
                after = event.pk
                if status and event.kind not in (status, JobEvent.Kind.OUTPUT):
                    continue
                self._print(event)
            self.stdout.flush()
            time.sleep(interval)

    def _print(self, event: JobEvent) -> None:
        when = event.occurred_at.isoformat(timespec="milliseconds")
        who = f"run {event.run_id}" if event.run_id else "job"
        if event.kind == JobEvent.Kind.OUTPUT:
            appended = str(event.data.get("appended", ""))
            run_id = event.run_id or 0
            self._printed[run_id] = self._printed.get(run_id, 0) + len(appended)
            self._print_output(when, who, event.job.name, appended)
            return
        if event.run_id and event.kind in JobLog.FINISHED_STATUSES:
            output = JobLog.objects.filter(pk=event.run_id).values_list("output", flat=True)
            rest = (output.first() or "")[self._printed.pop(event.run_id, 0) :]
            self._print_output(when, who, event.job.name, rest)
        detail = event.data.get("error") or ""
        self.stdout.write(f"{when}  {who}  {event.job.name}  {event.kind}  {detail}".rstrip())

    def _print_output(self, when: str, who: str, job: str, text: str) -> None:
        for line in text.splitlines():
            self.stdout.write(f"{when}  {who}  {job}  | {line}")


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    return f"{int(seconds // 60)} min {int(seconds % 60)} s"
