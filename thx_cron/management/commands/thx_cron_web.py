from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from thx_cron.server import run_web


class Command(BaseCommand):
    help = "Serve the GraphQL API, GraphiQL and the admin (HTTP and WebSocket on one port)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")

    def handle(self, *args: Any, **options: Any) -> None:
        run_web(options["host"], options["port"], options["workers"])
