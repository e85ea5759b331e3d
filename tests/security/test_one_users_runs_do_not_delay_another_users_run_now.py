"""Fair use of workers: with THX_CRON_MAX_RUNNING_PER_USER, three long runs of one user leave a
real worker free for another user's run now; the held runs start one by one, each exactly once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.graphql.client import GraphQLClient
from tests.processes import sqlite_url, thx_process, wait_for
from thx_cron.models import JobLog
from thx_cron_graphql.models import ApiToken

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# Long enough that, without the limit, the other user's run would wait behind the first ones.
SLEEP = 6
YEARLY = "0 0 1 1 *"
RUN_NOW = "mutation($id: ID!) { runJobNow(id: $id) { __typename ... on JobLog { id } } }"


def run_now(client: GraphQLClient, job: Any) -> None:
    answer = client.data(RUN_NOW, {"id": job.pk})
    assert answer["runJobNow"]["__typename"] == "JobLog", answer


def test_three_long_runs_of_one_user_do_not_delay_another_users_run_now(
    make_job: Any, user: Any, other_user: Any, tmp_path: Path
) -> None:
    alice = GraphQLClient(token=ApiToken.issue(user)[1])
    bob = GraphQLClient(token=ApiToken.issue(other_user)[1])
    sleepers = [
        make_job(owner=user, name=f"sleep-{i}", action="demo.sleep", args=[SLEEP], cron=YEARLY)
        for i in range(3)
    ]
    quick = make_job(owner=other_user, name="quick", action="demo.echo", args=["hi"], cron=YEARLY)
    env = {
        "THX_CRON_QUEUE": settings.Q_CLUSTER["name"],
        "THX_CRON_WORKERS": "2",
        "THX_CRON_MAX_RUNNING_PER_USER": "1",
    }
    alices = JobLog.objects.filter(job__owner=user)
    with thx_process(["worker"], sqlite_url(), log=tmp_path / "worker.log", **env):
        for job in sleepers:
            run_now(alice, job)
        wait_for(lambda: alices.filter(status="running").exists(), timeout=60)
        run_now(bob, quick)
        bobs = JobLog.objects.filter(job=quick)
        wait_for(lambda: bobs.filter(status="succeeded").exists(), timeout=60)
        wait_for(lambda: alices.filter(status="succeeded").count() == 3, timeout=6 * SLEEP + 60)
    runs = sorted(alices, key=lambda run: run.started_at)
    # Bob's run did not wait for the first of Alice's to end...
    (bobs_run,) = bobs
    assert bobs_run.finished_at < runs[0].finished_at
    # Never dropped, never twice: one run per job, each started once and succeeded.
    assert sorted(run.job_id for run in runs) == sorted(job.pk for job in sleepers)
    assert {run.status for run in runs} == {"succeeded"}
    # ...because Alice never had more than one run at a time.
    for earlier, later in zip(runs, runs[1:], strict=False):
        assert earlier.finished_at <= later.started_at
