from __future__ import annotations

import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from thx_cron import dispatch
from thx_cron.processes.worker import dispatch_forever


class Command(BaseCommand):
    help = "Run the dispatcher alone: claim due occurrences and enqueue their runs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one tick, then exit")
        parser.add_argument("--seconds", type=float, default=0, help="stop after this long")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            result = dispatch.tick()
            self.stdout.write(
                f"claimed {len(result.claimed)}, enqueued {result.enqueued}, "
                f"recovered {result.recovered}"
            )
            return
        stop = threading.Event()
        if options["seconds"]:
            threading.Timer(options["seconds"], stop.set).start()
        try:
            dispatch_forever(stop)
        except KeyboardInterrupt:
            stop.set()
