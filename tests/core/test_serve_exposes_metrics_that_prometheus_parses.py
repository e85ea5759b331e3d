"""`thx-cron serve` (web + worker): /metrics for staff, read by prometheus-client's own parser."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.processes import ROOT, free_port, process_env, sqlite_url, stop_group, wait_for
from thx_cron.models import JobLog
from thx_cron_graphql.models import ApiToken

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

THX_CRON = str(Path(sys.executable).with_name("thx-cron"))


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(found: dict, name: str, **labels: str) -> float:
    return found[(name, frozenset(labels.items()))]


def test_metrics_count_runs_by_job_and_status_with_histograms_and_tick_times(
    make_job, staff_user, user, tmp_path
):
    ok = make_job(name="quick", action="tests.base_url", args=[], cron="0 0 1 1 *")
    bad = make_job(name="broken", action="demo.fail", args=["no"], cron="0 0 1 1 *")
    _, staff_token = ApiToken.issue(staff_user, "prometheus")
    _, user_token = ApiToken.issue(user, "not staff")
    port = free_port()
    lines: list[str] = []
    proc = subprocess.Popen(
        [THX_CRON, "serve", "--port", str(port)],
        env=process_env(sqlite_url(), THX_CRON_DATA_DIR=str(tmp_path)),
        cwd=str(ROOT),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )

    def read() -> None:
        assert proc.stdout is not None
        lines.extend(line.rstrip("\n") for line in proc.stdout)

    threading.Thread(target=read, daemon=True).start()
    url = f"http://127.0.0.1:{port}/metrics"
    try:
        wait_for(lambda: any("serving on" in line for line in lines), timeout=60)
        # The banner comes once the port listens, after the hint about a missing superuser.
        hint = next(i for i, line in enumerate(lines) if "createsuperuser" in line)
        banner = next(i for i, line in enumerate(lines) if "serving on" in line)
        assert hint < banner
        assert httpx.get(url).status_code == 401
        bearer = {"Authorization": f"Bearer {user_token}"}
        assert httpx.get(url, headers=bearer).status_code == 403
        for job in (ok, bad, ok):
            done = subprocess.run(
                [THX_CRON, "trigger", str(job.pk)], env=process_env(sqlite_url()), timeout=60
            )
            assert done.returncode == 0
        finished = JobLog.objects.filter(status__in=JobLog.FINISHED_STATUSES)
        wait_for(lambda: finished.count() == 3, timeout=60)
        response = httpx.get(url, headers={"Authorization": f"Bearer {staff_token}"})
    finally:
        stop_group(proc)  # type: ignore[arg-type]
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    found = samples(response.text)
    quick = {"job_id": str(ok.pk), "job": "quick"}
    broken = {"job_id": str(bad.pk), "job": "broken"}
    assert value(found, "thx_cron_runs_finished", **quick, status="succeeded") == 2
    assert value(found, "thx_cron_runs_finished", **broken, status="failed") == 1
    assert value(found, "thx_cron_run_duration_seconds_bucket", **quick, le="+Inf") == 2
    assert value(found, "thx_cron_run_duration_seconds_gcount", **quick) == 2
    assert value(found, "thx_cron_run_duration_seconds_bucket", **quick, le="60.0") == 2
    assert value(found, "thx_cron_deliveries_pending") == 0
    assert value(found, "thx_cron_deliveries", status="sent") == 0
    assert value(found, "thx_cron_metrics_window_seconds") == 3600
    # Ticks happen in the worker; the web process reads them from the shared directory.
    assert value(found, "thx_cron_dispatcher_tick_seconds_count") > 0
    # The worker's links follow --port, since THX_CRON_BASE_URL was not set.
    assert JobLog.objects.filter(job=ok).first().result == f"http://127.0.0.1:{port}"


def test_lateness_and_active_runs_are_reported(make_job, staff_user):
    from datetime import timedelta

    from django.utils import timezone

    from thx_cron.ops.metrics import RunCollector

    job = make_job(name="late", cron="* * * * *")
    now = timezone.now()
    JobLog.objects.create(
        job=job,
        status="succeeded",
        trigger="schedule",
        scheduled_for=now - timedelta(seconds=3),
        started_at=now - timedelta(seconds=1.5),
        finished_at=now,
        duration_seconds=1.5,
    )
    JobLog.objects.create(job=job, status="queued")
    JobLog.objects.create(job=job, status="running", started_at=now)
    JobLog.objects.create(job=job, status="lost", finished_at=now)
    families = {family.name: family for family in RunCollector().collect()}
    labels = {"job_id": str(job.pk), "job": "late"}
    late = {
        s.labels["le"]: s.value
        for s in families["thx_cron_run_lateness_seconds"].samples
        if s.name.endswith("_bucket")
    }
    assert late["1.0"] == 0 and late["2.0"] == 1 and late["+Inf"] == 1
    (gsum,) = [
        s.value
        for s in families["thx_cron_run_lateness_seconds"].samples
        if s.name.endswith("gsum")
    ]
    assert gsum == pytest.approx(1.5)
    assert [s.value for s in families["thx_cron_runs_queued"].samples] == [1]
    assert [s.value for s in families["thx_cron_runs_running"].samples] == [1]
    assert [(s.labels, s.value) for s in families["thx_cron_runs_lost"].samples] == [(labels, 1)]
