from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from thx_cron.ops.uninstall import uninstall


class Command(BaseCommand):
    help = (
        "Remove thx-cron from this project's database: its tables (every job, run, rule and "
        "token), its django-q2 schedules and queued tasks. Then remove its apps from settings."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask for confirmation (scripts)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        using = options["database"]
        if not options["yes"]:
            answer = input(f"Delete every thx-cron table and schedule in {using!r}? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                self.stdout.write("Nothing was changed.")
                return
        report = uninstall(
            using,
            migrate_to_zero=lambda label: call_command(
                "migrate", label, "zero", database=using, interactive=False, verbosity=0
            ),
            installed=list(apps.app_configs),
        )
        for line in report:
            self.stdout.write(line)
        self.stdout.write(
            "Now remove thx_cron, thx_cron_graphql and thx_cron_notifications from "
            "INSTALLED_APPS, thx-cron's URLs, ALT_CLUSTERS entries and THX_CRON_* settings."
        )
