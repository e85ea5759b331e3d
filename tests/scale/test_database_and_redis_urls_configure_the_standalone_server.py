"""With DATABASE_URL=postgres://… and THX_CRON_REDIS_URL=redis://… the standalone server uses
PostgreSQL, django-q2's Redis broker and channels-redis, and runs jobs, with no other change."""

from __future__ import annotations

import json

import pytest
import redis

from tests.processes import wait_for
from tests.scale.conftest import interval_jobs, run_command
from tests.services import REDIS_URL, needs_postgres, needs_redis
from thx_cron.models import JobLog

pytestmark = [pytest.mark.slow, needs_postgres, needs_redis]

REPORT = (
    "import json;"
    "from django.db import connection;"
    "from django_q.brokers import get_broker;"
    "from channels.layers import get_channel_layer;"
    "print(json.dumps({'vendor': connection.vendor,"
    " 'database': connection.settings_dict['NAME'],"
    " 'broker': type(get_broker()).__name__,"
    " 'layer': type(get_channel_layer()).__module__}))"
)


def test_the_standalone_settings_pick_postgres_redis_broker_and_channels_redis(pg_db):
    out = run_command(["shell", "-c", REPORT], pg_db.url, THX_CRON_REDIS_URL=REDIS_URL)
    report = json.loads(out.strip().splitlines()[-1])
    assert report == {
        "vendor": "postgresql",
        "database": pg_db.name,
        "broker": "Redis",
        "layer": "channels_redis.core",
    }


def test_without_redis_the_same_settings_use_the_orm_broker_and_in_memory_layer(pg_db):
    report = json.loads(run_command(["shell", "-c", REPORT], pg_db.url).strip().splitlines()[-1])
    assert report["vendor"] == "postgresql"
    assert report["broker"] == "ORM"
    assert report["layer"] == "channels.layers"


def test_a_worker_on_postgres_and_redis_runs_jobs_through_the_redis_queue(pg_db, make_fleet):
    fleet = make_fleet(pg_db, redis=True)
    [job] = interval_jobs(pg_db.alias, 1, 1)
    fleet.start("worker")
    runs = JobLog.objects.using(pg_db.alias).filter(job=job, status=JobLog.Status.SUCCEEDED)
    wait_for(lambda: runs.count() >= 3, timeout=60)
    # The cluster registers itself in Redis, which only the Redis broker does.
    client = redis.Redis.from_url(REDIS_URL)
    assert client.keys(f"django_q:{fleet.queue}:cluster:*")
    fleet.assert_alive()
