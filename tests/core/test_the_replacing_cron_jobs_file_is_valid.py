"""The jobs file of the "Replacing cron" walk-through (docs/replacing-cron.md) passes the
checks as written."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from tests.processes import ROOT
from thx_cron.checks import check_declared_jobs
from thx_cron.declared.jobs_file import read_jobs_file


def test_the_replacing_cron_jobs_file_is_valid(settings: Any, tmp_path: Path) -> None:
    guide = (ROOT / "docs" / "replacing-cron.md").read_text()
    section = guide.split("# Replacing cron", 1)[1]
    block = section.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "jobs.toml"
    path.write_text(textwrap.dedent(block))
    settings.THX_CRON_JOBS_FILE = str(path)
    settings.THX_CRON_ALLOWED_PROGRAMS = ["/usr/local/bin/backup", "/opt/app/bin/*"]
    assert check_declared_jobs() == []
    keys = [entry["key"] for entry, _source in read_jobs_file(str(path))]
    assert keys == ["backup", "sync-feeds", "daily-report"]
    settings.THX_CRON_ALLOWED_PROGRAMS = ["/opt/app/bin/*"]
    [error] = check_declared_jobs()
    assert "[jobs.backup]: kwargs" in error.msg and "THX_CRON_ALLOWED_PROGRAMS" in error.msg
