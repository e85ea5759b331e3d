"""The same kind of new project on PostgreSQL + Redis, as the embedding guide (docs/embedding.md) says:
thx-cron's runs go to its own django-q2 cluster while the host's own task runs on the host's
cluster with the host's settings; an email-login user gets a token and is named by its email
over GraphQL, served without ASGI_APPLICATION; `thx_cron_uninstall` leaves the host's qcluster
healthy."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from tests.embedding.host import Host, readme_snippet, wait_for
from tests.processes import free_port

PG_URL = os.environ.get("THX_CRON_TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("THX_CRON_TEST_REDIS_URL", "")
REQUIRED = bool(os.environ.get("THX_CRON_REQUIRE_SERVICES"))

pytestmark = [
    pytest.mark.skipif(
        not (PG_URL and REDIS_URL) and not REQUIRED,
        reason="needs THX_CRON_TEST_DATABASE_URL and THX_CRON_TEST_REDIS_URL",
    ),
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
]


def fresh_database() -> str:
    """Create an empty PostgreSQL database for the host; return its name."""
    import psycopg

    name = os.environ.get("THX_CRON_TEST_PG_NAME", "test_thx_cron") + "_host"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def services_snippet() -> str:
    """The embedding guide's PostgreSQL + Redis snippet, pointed at the test's servers."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # the test's private Redis database
    snippet = readme_snippet("postgres-redis")
    pg = urlparse(PG_URL)
    for old, new in (
        ('"NAME": "mysite"', f'"NAME": "{fresh_database()}"'),
        ('"USER": "mysite"', f'"USER": "{pg.username or "postgres"}"'),
        ('"HOST": "127.0.0.1"', f'"HOST": "{pg.hostname}"'),
        ('"PORT": 5432', f'"PORT": {pg.port or 5432}'),
        ("redis://127.0.0.1:6379/0", REDIS_URL),
    ):
        assert old in snippet, f"the embedding guide's postgres-redis snippet no longer has {old}"
        snippet = snippet.replace(old, new)
    return snippet


def succeeded(host: Host) -> int:
    return int(
        host.shell(
            "from thx_cron.models import JobLog; "
            "print(JobLog.objects.filter(status='succeeded').count())"
        )
    )


def host_task_works(host: Host, log: Path) -> None:
    """The host's own django-q2 task runs on its own cluster, and its result is kept (the
    host's save_limit, not thx-cron's)."""
    task = host.shell(
        "from django_q.tasks import async_task; print(async_task('notifications.tasks.add', 2, 3))"
    )
    wait_for(
        lambda: host.shell(f"from django_q.tasks import result; print(result({task!r}))") == "5",
        90,
        "the host's own task",
        log,
    )


def test_a_new_project_on_postgresql_and_redis_runs_jobs_beside_its_own_tasks_and_uninstalls(
    host_python: Path, tmp_path: Path
):
    host = Host(host_python, tmp_path / "mysite")
    services = services_snippet()
    own = (readme_snippet("q-cluster"), services)  # the host's django-q2, on Redis
    host.configure(*own, readme_snippet("settings"), "THX_CRON_SHUTDOWN_GRACE = 5\n")
    urls = host.dir / "mysite" / "urls.py"
    original_urls = urls.read_text()
    urls.write_text(original_urls + "\n" + readme_snippet("urls"))
    checked = host.manage("check")
    assert "System check identified no issues" in checked.stdout, checked.stdout + checked.stderr
    host.manage("makemigrations", "accounts", "notifications")
    host.manage("migrate", "--no-input")
    host.shell(
        """
        from django.contrib.auth import get_user_model
        from thx_cron.models import Job
        ada = get_user_model().objects.create_user("ada@example.com", "secret-pass")
        job = Job(name="notice", action="mysite.notice", args=["hi"], every_seconds=2, owner=ada)
        job.full_clean()
        job.save()
        """
    )
    token = host.manage("thx_cron_token", "create", "--user", "ada@example.com").stdout.strip()
    assert token

    port = free_port()
    logs = {name: tmp_path / f"{name}.log" for name in ("worker", "qcluster", "web")}
    with (
        host.process("thx_cron_worker", log=logs["worker"]),
        host.process("qcluster", log=logs["qcluster"]),
        host.process("thx_cron_web", "--port", str(port), log=logs["web"]),
    ):
        wait_for(lambda: succeeded(host) >= 2, 120, "runs under thx_cron_worker", logs["worker"])
        host_task_works(host, logs["qcluster"])

        def answer() -> dict | None:
            try:
                response = httpx.post(
                    f"http://127.0.0.1:{port}/graphql",
                    json={
                        "query": "{ me { username } jobs { edges { node { name "
                        "owner { username } } } } }"
                    },
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=5,
                )
            except httpx.HTTPError:
                return None
            return response.json()

        data = wait_for(answer, 60, "GraphQL over thx_cron_web", logs["web"])
        assert data == {
            "data": {
                "me": {"username": "ada@example.com"},
                "jobs": {
                    "edges": [
                        {"node": {"name": "notice", "owner": {"username": "ada@example.com"}}}
                    ]
                },
            }
        }, data
    for name in ("worker", "web"):
        assert b"Traceback" not in logs[name].read_bytes(), logs[name].read_text()[-3000:]

    report = host.manage("thx_cron_uninstall", "--yes").stdout
    assert "Removed" in report and "thx_cron" in report
    host.configure(*own)  # the project without thx-cron
    urls.write_text(original_urls)
    host.manage("check")
    left = host.shell(
        "from django_q.models import Schedule; "
        "print(Schedule.objects.filter(name__startswith='thx-cron').count())"
    )
    assert left == "0"
    tables = host.shell(
        "from django.db import connection; "
        "print(sorted(t for t in connection.introspection.table_names() if 'thx_cron' in t))"
    )
    assert tables == "[]"
    after = tmp_path / "qcluster-after.log"
    with host.process("qcluster", log=after):
        host_task_works(host, after)
    assert b"thx_cron" not in after.read_bytes(), after.read_text()[-3000:]
