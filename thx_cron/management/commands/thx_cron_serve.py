from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from thx_cron.server import serve


class Command(BaseCommand):
    help = "Migrate, then run the web server and a worker until stopped (Ctrl-C / SIGTERM)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        raise SystemExit(serve(options["host"], options["port"]))
