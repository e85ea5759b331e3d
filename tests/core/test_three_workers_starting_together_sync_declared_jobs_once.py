"""Three real workers start at once on PostgreSQL; each syncs, the declared jobs exist once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.core.test_two_dispatchers_on_postgresql_run_each_occurrence_once import (
    postgres_test_url,
)
from tests.processes import ROOT, process_env, stop_group, wait_for
from tests.services import needs_postgres
from thx_cron.models import Job

pytestmark = [
    needs_postgres,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, databases=["default", "postgres"]),
]

JOBS = "".join(
    f'[jobs.job-{n}]\naction = "demo.echo"\nargs = ["{n}"]\ncron = "{n} 3 * * *"\n'
    for n in range(20)
)


def test_three_workers_starting_together_create_each_declared_job_once(tmp_path: Path) -> None:
    jobs_file = tmp_path / "jobs.toml"
    jobs_file.write_text(JOBS)
    env = process_env(
        postgres_test_url(),
        THX_CRON_JOBS_FILE=str(jobs_file),
        THX_CRON_ACTION_MODULES="tests.declared_jobs",
        THX_CRON_WORKERS="1",
        LOG_LEVEL="INFO",
    )
    logs = [tmp_path / f"worker{n}.log" for n in range(3)]
    workers = []
    try:
        for log in logs:
            workers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "thx_cron", "worker"],
                    env=env,
                    cwd=str(ROOT),
                    stdout=log.open("wb"),
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        wait_for(
            lambda: all("Declared jobs synced (worker start)" in log.read_text() for log in logs),
            timeout=120,
        )
    finally:
        for worker in workers:
            stop_group(worker)
    texts = [log.read_text() for log in logs]
    created = sum(
        int(line.split("worker start): ")[1].split()[0])
        for text in texts
        for line in text.splitlines()
        if "Declared jobs synced (worker start)" in line
    )
    assert created == 21, texts
    for text in texts:
        assert "Traceback" not in text and "not synced" not in text, text
    jobs = Job.objects.using("postgres").filter(key__isnull=False)
    assert jobs.count() == 21
    assert set(jobs.values_list("declared", "enabled")) == {(True, True)}
