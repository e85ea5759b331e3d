from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from thx_cron.declared.sync import sync_quietly
from thx_cron.processes.worker import run_worker


class Command(BaseCommand):
    help = "Run a django-q2 cluster that executes runs, and the dispatcher loop."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-dispatcher", action="store_true", help="execute runs only, do not dispatch"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sync_quietly("worker start")
        status = run_worker(dispatcher=not options["no_dispatcher"])
        if status:
            raise SystemExit(status)
