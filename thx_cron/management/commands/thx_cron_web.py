from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from thx_cron.management.arguments import check_port_free, port, positive_int
from thx_cron.standalone.server import run_web


class Command(BaseCommand):
    help = "Serve the GraphQL API, GraphiQL, the admin and /metrics (HTTP and WebSocket, one port)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
        )
        parser.add_argument(
            "--port", type=port, default=8000, help="TCP port to listen on (default: %(default)s)"
        )
        parser.add_argument(
            "--workers",
            type=positive_int,
            default=1,
            help="uvicorn worker processes (default: %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        check_port_free(options["host"], options["port"])
        run_web(options["host"], options["port"], options["workers"])
