"""The embedded default (SQLite, ORM broker) under four concurrent writers for about a minute:
a web process taking logins, a dispatcher and two workers. No process sees "database is locked",
and no run is lost."""

from __future__ import annotations

import time

import httpx
import pytest

from tests.processes import free_port, wait_for
from tests.scale.conftest import interval_jobs, run_command
from tests.scale.occurrences import tally
from thx_cron.models import Job, JobLog

pytestmark = [pytest.mark.slow]

JOBS = 40
EVERY = 2
SECONDS = 50
CREATE_ADMIN = (
    "from django.contrib.auth import get_user_model;"
    "get_user_model().objects.create_superuser('admin', password='admin-password')"
)


def admin_login(client: httpx.Client, base: str) -> bool:
    """Log in to the admin: the web process writes a session and the user's last login."""
    client.cookies.clear()
    client.get(f"{base}/admin/login/")
    response = client.post(
        f"{base}/admin/login/?next=/admin/",
        data={
            "username": "admin",
            "password": "admin-password",
            "csrfmiddlewaretoken": client.cookies.get("csrftoken", ""),
            "next": "/admin/",
        },
    )
    return response.status_code == 302 and response.headers["location"] == "/admin/"


def test_four_writers_on_sqlite_never_see_database_is_locked_and_lose_no_run(sqlite_db, make_fleet):
    # Created by the server's own settings, so that its password hasher can check the password.
    run_command(["shell", "-c", CREATE_ADMIN], sqlite_db.url)
    jobs = interval_jobs(sqlite_db.alias, JOBS, EVERY, seconds=0.05)
    fleet = make_fleet(sqlite_db)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    fleet.start("web", ["web", "--port", str(port)])
    fleet.start("dispatcher", ["dispatch"])
    fleet.start("worker1", ["worker", "--no-dispatcher"])
    fleet.start("worker2", ["worker", "--no-dispatcher"])

    logins = 0
    with httpx.Client(timeout=30) as client:
        wait_for(lambda: _up(client, base), timeout=60, interval=0.5)
        end = time.monotonic() + SECONDS
        while time.monotonic() < end:
            assert admin_login(client, base)
            logins += 1
            fleet.assert_alive()

    Job.objects.using(sqlite_db.alias).update(enabled=False)
    runs = JobLog.objects.using(sqlite_db.alias)
    active = runs.filter(status__in=JobLog.ACTIVE_STATUSES)
    wait_for(lambda: not active.exists(), timeout=120, interval=0.5)
    fleet.assert_alive()
    result = tally(sqlite_db.alias, fleet.witness, jobs)
    print(f"{logins} admin logins; {result.summary()}")
    assert logins > 10
    assert not result.problems(), result.problems()
    assert result.occurrences >= JOBS * (SECONDS // EVERY - 3)
    assert result.statuses.keys() <= {JobLog.Status.SUCCEEDED, JobLog.Status.SKIPPED}, result
    logs = fleet.all_logs()
    assert "database is locked" not in logs, logs[-4000:]
    assert "Traceback" not in logs, logs[-4000:]


def _up(client: httpx.Client, base: str) -> bool:
    try:
        return client.get(f"{base}/admin/login/").status_code == 200
    except httpx.TransportError:
        return False
