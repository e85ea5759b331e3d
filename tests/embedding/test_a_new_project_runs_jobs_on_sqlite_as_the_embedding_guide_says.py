"""A brand-new project (startproject + startapp), with its own `notifications` app and an
email-login user model, set up exactly as the embedding guide (docs/embedding.md) says, on the default
SQLite: jobs run under `thx_cron_worker` and under plain `qcluster`, both started from /, and
the host's own django-q2 task works beside them with the host's own settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.embedding.host import Host, readme_snippet, wait_for

pytestmark = pytest.mark.slow


def count(host: Host, expression: str) -> int:
    return int(host.shell(f"print({expression})") or 0)


def succeeded(host: Host) -> int:
    return count(
        host,
        "__import__('thx_cron.models', fromlist=['JobLog'])"
        ".JobLog.objects.filter(status='succeeded').count()",
    )


def test_a_new_sqlite_project_runs_jobs_with_the_worker_and_with_plain_qcluster(
    host_python: Path, tmp_path: Path
):
    host = Host(host_python, tmp_path / "mysite")
    host.configure(
        readme_snippet("q-cluster"),
        readme_snippet("settings"),
        readme_snippet("sqlite"),
        "THX_CRON_SHUTDOWN_GRACE = 5\n",
    )
    urls = host.dir / "mysite" / "urls.py"
    urls.write_text(urls.read_text() + "\n" + readme_snippet("urls"))

    checked = host.manage("check")
    assert "System check identified no issues" in checked.stdout, checked.stdout + checked.stderr
    host.manage("makemigrations", "accounts", "notifications")
    host.manage("migrate", "--no-input")
    # thx-cron comes from the wheel, not from this checkout.
    where = host.shell("import thx_cron, thx_cron_notifications; print(thx_cron.__file__)")
    assert where.startswith(str(host_python.parent.parent)), where
    # The host's own `notifications` app is the one Django loaded.
    assert host.shell("import notifications; print(notifications.__file__)").startswith(
        str(host.dir)
    )
    kind = host.shell(
        """
        from thx_cron.models import Job
        job = Job(name="notice", action="mysite.notice", args=["hello"], every_seconds=2)
        job.full_clean()
        job.save()
        print(job.schedule_kind)
        """
    )
    assert kind == "interval"

    worker_log, qcluster_log = tmp_path / "worker.log", tmp_path / "host-qcluster.log"
    with host.process("thx_cron_worker", log=worker_log):
        with host.process("qcluster", log=qcluster_log):
            wait_for(lambda: succeeded(host) >= 2, 120, "runs under thx_cron_worker", worker_log)
            task = host.shell(
                "from django_q.tasks import async_task; "
                "print(async_task('notifications.tasks.add', 2, 3))"
            )
            # The host's own cluster keeps its own settings: its results are saved.
            wait_for(
                lambda: (
                    host.shell(f"from django_q.tasks import result; print(result({task!r}))") == "5"
                ),
                90,
                "the host's own task",
                qcluster_log,
            )
    assert count(host, "__import__('notifications.models').models.Notice.objects.count()") >= 2
    assert b"Traceback" not in worker_log.read_bytes(), worker_log.read_text()[-3000:]

    before = succeeded(host)
    plain_log = tmp_path / "plain-qcluster.log"
    # Plain django-q2: the thx-cron cluster runs thx-cron's dispatch schedule, then the runs.
    with host.process("qcluster", log=plain_log, env={"Q_CLUSTER_NAME": "thx-cron"}):
        wait_for(lambda: succeeded(host) > before, 150, "runs under plain qcluster", plain_log)
    assert b"database is locked" not in plain_log.read_bytes()
