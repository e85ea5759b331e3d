"""A task's runs are claimed in groups: CLAIM_GROUP runs first, then twice as many each time
while every run so far was short (up to CLAIM_GROUP_MAX), and CLAIM_GROUP again after a run
that was not, so that at most that many claimed runs wait behind the next long one. The runs
of one group are claimed in one statement, with one start time."""

from __future__ import annotations

import pytest

from thx_cron import lifecycle
from thx_cron.models import Job, JobLog
from thx_cron.runner import execution

pytestmark = pytest.mark.django_db(transaction=True)


def _groups(runs: list[JobLog]) -> list[int]:
    """The sizes of the claim groups, read off the runs' start times, in order."""
    started = [JobLog.objects.get(pk=run.pk).started_at for run in runs]
    sizes: list[int] = []
    for at, moment in enumerate(started):
        if at and moment == started[at - 1]:
            sizes[-1] += 1
        else:
            sizes.append(1)
    return sizes


@pytest.fixture
def small_groups(monkeypatch, settings):
    settings.THX_CRON_HEARTBEAT_SECONDS = 60  # no heartbeat step hands the unclaimed runs back
    monkeypatch.setattr(execution, "CLAIM_GROUP", 2)
    monkeypatch.setattr(execution, "CLAIM_GROUP_MAX", 8)
    monkeypatch.setattr(execution, "SHORT_RUN", 0.1)
    monkeypatch.setattr(execution, "RESTART_AFTER", 60.0)  # keep each group's start time


def test_groups_double_while_the_runs_are_short(make_job, small_groups):
    jobs = [make_job(name=f"quick-{n}", overlap_policy=Job.Overlap.ALLOW) for n in range(20)]
    runs = [lifecycle.create_run(job, enqueued=True) for job in jobs]
    execution.execute(*(run.pk for run in runs))
    assert set(JobLog.objects.values_list("status", flat=True)) == {"succeeded"}
    assert _groups(runs) == [2, 4, 8, 6]  # the last one: the runs that were left


def test_a_long_run_brings_the_groups_back_to_their_first_size(make_job, small_groups):
    names = ["quick-0", "quick-1", "quick-2", "slow", "quick-4", "quick-5"]
    names += [f"quick-{n}" for n in range(6, 14)]
    jobs = [
        make_job(
            name=name,
            action="demo.sleep" if name == "slow" else "demo.echo",
            args=[0.3] if name == "slow" else ["hello"],
            overlap_policy=Job.Overlap.ALLOW,
        )
        for name in names
    ]
    runs = [lifecycle.create_run(job, enqueued=True) for job in jobs]
    execution.execute(*(run.pk for run in runs))
    assert set(JobLog.objects.values_list("status", flat=True)) == {"succeeded"}
    # 2, then 4 with the slow run in it; after it 2 again, then 4 and the rest.
    assert _groups(runs) == [2, 4, 2, 4, 2]
