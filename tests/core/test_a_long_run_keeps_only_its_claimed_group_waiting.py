"""A task carries up to THX_CRON_RUN_BATCH runs, claimed a group at a time: a run that lasts
longer than a heartbeat step keeps only the claimed runs of its group waiting behind it, and
hands the runs not claimed yet back to the dispatcher, which enqueues them for another worker."""

from __future__ import annotations

import pytest

from thx_cron import dispatch, lifecycle
from thx_cron.models import Job, JobLog
from thx_cron.runner import execution

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_long_run_hands_back_the_runs_not_claimed_yet(make_job, monkeypatch, settings):
    settings.THX_CRON_HEARTBEAT_SECONDS = 0.2  # a heartbeat step: 0.2 s
    monkeypatch.setattr(execution, "CLAIM_GROUP", 2)
    slow = make_job(name="slow", action="demo.sleep", args=[0.6], overlap_policy=Job.Overlap.ALLOW)
    quick = [make_job(name=f"quick-{n}", overlap_policy=Job.Overlap.ALLOW) for n in range(3)]
    runs = [lifecycle.create_run(job, enqueued=True) for job in [slow, *quick]]
    execution.execute(*(run.pk for run in runs))
    ended = {run.job.name: JobLog.objects.get(pk=run.pk) for run in runs}
    # The slow run and the quick run claimed with it ran; the next group was handed back.
    assert ended["slow"].status == "succeeded"
    assert ended["quick-0"].status == "succeeded"
    assert ended["quick-0"].started_at >= ended["slow"].finished_at  # it waited its turn
    for name in ("quick-1", "quick-2"):
        assert ended[name].status == "queued"
        assert ended[name].started_at is None
        assert ended[name].enqueued_at is None  # for the dispatcher's next tick
    # ... which enqueues them again; they run once each.
    sent: list[tuple[int, ...]] = []
    monkeypatch.setattr(
        dispatch, "_send", lambda chunk, **_: sent.append(tuple(r.pk for r in chunk))
    )
    dispatch.enqueue_ready(ended["slow"].finished_at)
    assert sorted(pk for chunk in sent for pk in chunk) == [
        ended["quick-1"].pk,
        ended["quick-2"].pk,
    ]


def test_short_runs_of_several_groups_all_run_in_one_task(make_job, monkeypatch):
    monkeypatch.setattr(execution, "CLAIM_GROUP", 2)
    jobs = [make_job(name=f"quick-{n}", overlap_policy=Job.Overlap.ALLOW) for n in range(5)]
    runs = [lifecycle.create_run(job, enqueued=True) for job in jobs]
    execution.execute(*(run.pk for run in runs))
    assert set(JobLog.objects.values_list("status", flat=True)) == {"succeeded"}
    started = list(JobLog.objects.order_by("pk").values_list("started_at", flat=True))
    assert started == sorted(started)  # in turn, group after group
