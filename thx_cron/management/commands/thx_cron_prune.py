from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from thx_cron.retention import prune


class Command(BaseCommand):
    help = "Delete old runs and events according to the retention settings."

    def handle(self, *args: Any, **options: Any) -> None:
        result = prune()
        self.stdout.write(f"pruned {result.runs} runs and {result.events} events")
