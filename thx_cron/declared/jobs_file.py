"""The jobs file (THX_CRON_JOBS_FILE): TOML with one `[jobs.KEY]` table per job."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from thx_cron.declared.declarations import DeclarationError


def read_jobs_file(path: str) -> list[tuple[dict[str, Any], str]]:
    """Return the (declaration, source) pairs of the jobs file at `path`."""
    source = f"jobs file {path}"
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DeclarationError(source, "THX_CRON_JOBS_FILE", f"Cannot read it: {exc}.") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DeclarationError(source, "toml", f"Not valid TOML: {exc}.") from None
    unknown = sorted(name for name in document if name != "jobs")
    if unknown:
        raise DeclarationError(source, unknown[0], "Unknown table (the file holds [jobs.KEY]).")
    jobs = document.get("jobs", {})
    if not isinstance(jobs, dict):
        raise DeclarationError(source, "jobs", "Expected [jobs.KEY] tables.")
    declared = []
    for key, table in jobs.items():
        where = f"{source} [jobs.{key}]"
        if not isinstance(table, dict):
            raise DeclarationError(where, key, "Expected a table of job fields.")
        if "key" in table:
            raise DeclarationError(where, "key", "The table's name is the key; leave key out.")
        declared.append(({"key": key, **table}, where))
    return declared
