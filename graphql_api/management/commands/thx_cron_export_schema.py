from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

import thx_cron_graphql

DEFAULT_PATH = Path(thx_cron_graphql.__file__).resolve().parent / "schema.graphql"


def schema_sdl() -> str:
    """Return the SDL of the API schema, as committed in schema.graphql."""
    from thx_cron_graphql.schema import schema

    return schema.as_str().rstrip() + "\n"


class Command(BaseCommand):
    help = "Write the GraphQL schema (SDL) to graphql_api/schema.graphql or --path."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, default=DEFAULT_PATH)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        path.write_text(schema_sdl())
        self.stdout.write(f"Schema written to {path}")
