from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from thx_cron.management.arguments import check_port_free, port
from thx_cron.standalone.server import serve


class Command(BaseCommand):
    help = (
        "Migrate, then run the web server (GraphQL API, admin, /metrics) and a worker until "
        "stopped (Ctrl-C / SIGTERM); running runs are waited for at shutdown."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
        )
        parser.add_argument(
            "--port", type=port, default=8000, help="TCP port to listen on (default: %(default)s)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host, number = options["host"], options["port"]
        check_port_free(host, number)
        call_command("migrate", interactive=False, verbosity=0)
        # Links in notifications point at this server unless the operator said otherwise.
        shown = f"[{host}]" if ":" in host else host
        os.environ.setdefault("THX_CRON_BASE_URL", f"http://{shown}:{number}")
        _share_process_metrics()
        if not get_user_model().objects.filter(is_superuser=True).exists():
            self.stdout.write(
                "No superuser yet: create one with `thx-cron createsuperuser` to sign in to "
                "/admin/ and GraphiQL.",
            )
        self.stdout.flush()
        raise SystemExit(serve(host, number))


def _share_process_metrics() -> None:
    """Give web and worker one prometheus-client multiprocess directory (a fresh one)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    data_dir = Path(getattr(settings, "DATA_DIR", None) or tempfile.gettempdir())
    directory = data_dir / f"prometheus-{os.getpid()}"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
    atexit.register(shutil.rmtree, directory, True)
