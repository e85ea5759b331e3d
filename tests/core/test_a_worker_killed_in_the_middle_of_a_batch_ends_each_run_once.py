"""One django-q2 task carries several runs (execution.Batch): a worker process SIGKILLed in the
middle of one ends every run exactly once, with one start and one end event.

Runs started one by one (jobs of an owner under a per-owner limit): those finished before stay
recorded, the one executing ends `lost`, those still waiting stay queued and the dispatcher
enqueues them again. Runs claimed together (overlap "allow", or "skip" with no other run of
their job running): the claimed runs were `running`, so those not finished (or whose outcome was
not committed yet) end `lost`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.processes import sqlite_url, thx_process, wait_for
from thx_cron import lifecycle
from thx_cron.models import JobEvent, JobLog

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ENDS = ("succeeded", "failed", "timed_out", "lost", "skipped", "cancelled")


@pytest.mark.parametrize("overlap", ["one by one", "skip", "allow"])
def test_a_worker_killed_mid_batch_ends_every_run_of_the_batch_exactly_once(
    make_job, django_user_model, tmp_path, overlap
):
    one_by_one = overlap == "one by one"
    owner = django_user_model.objects.create_user("owner") if one_by_one else None
    limit = {"THX_CRON_MAX_RUNNING_PER_USER": "50"} if one_by_one else {}
    # The dispatcher hands 11 waiting runs over as tasks of 8 and 3 runs, in due order:
    # the second task carries runs 9 to 11, and run 10 kills the process executing it.
    actions = ["tests.noop"] * 9 + ["tests.kill_self"] + ["tests.noop"]
    earlier = timezone.now() - timedelta(seconds=10)
    runs = []
    for number, action in enumerate(actions):
        job = make_job(
            name=f"batch-{number}",
            action=action,
            args=[],
            cron="0 0 1 1 *",
            overlap_policy="skip" if one_by_one else overlap,
            owner=owner,
        )
        run = lifecycle.create_run(job)
        JobLog.objects.filter(pk=run.pk).update(due_at=earlier + timedelta(milliseconds=number))
        runs.append(run)
    ids = [run.pk for run in runs]
    with thx_process(
        ["worker"],
        sqlite_url(),
        log=tmp_path / "worker.log",
        THX_CRON_REQUEUE_SECONDS="3",
        **limit,
    ):
        wait_for(
            lambda: JobLog.objects.filter(pk__in=ids, status__in=ENDS).count() == len(ids),
            timeout=90,
        )
    ended = dict(JobLog.objects.filter(pk__in=ids).values_list("pk", "status"))
    statuses = [ended[pk] for pk in ids]
    if one_by_one:
        assert statuses == ["succeeded"] * 9 + ["lost"] + ["succeeded"]
    else:
        # Run 9's outcome was committed with run 10's start only if the grouping bound had passed.
        assert statuses[:8] == ["succeeded"] * 8 and statuses[8] in ("succeeded", "lost")
        assert statuses[9:] == ["lost"] * 2
    batch = JobLog.objects.filter(pk__in=ids[8:])
    # Run 9 started in the killed process, in the same task as run 10.
    killed = JobLog.objects.get(pk=ids[9])
    assert JobLog.objects.get(pk=ids[8]).worker == killed.worker
    assert killed.task_id and JobLog.objects.get(pk=ids[8]).task_id == killed.task_id
    for run in batch:
        kinds = list(JobEvent.objects.filter(run=run).values_list("kind", flat=True))
        assert kinds == ["queued", "started", ended[run.pk]], (run.pk, kinds)
    for run in JobLog.objects.filter(pk__in=ids[:8]):
        kinds = list(JobEvent.objects.filter(run=run).values_list("kind", flat=True))
        assert kinds == ["queued", "started", "succeeded"]
    # Nothing ran twice: one run per job, one start each.
    assert JobLog.objects.filter(job__name__startswith="batch-").count() == len(ids)


def test_a_worker_killed_in_a_task_s_first_group_leaves_the_next_group_to_run_once(
    make_job, tmp_path
):
    """24 waiting runs go out as tasks of 8 and 16 runs (dispatch.FIRST_TASK, then double);
    the task of 16 claims its runs 8 at a time (execution.CLAIM_GROUP). Its third run kills the
    worker: the runs of the claimed group end `lost` (those finished before it may have been
    committed), and the 8 runs of the next group, never claimed, are still queued, so the
    dispatcher hands them over again and each runs once."""
    actions = ["tests.noop"] * 10 + ["tests.kill_self"] + ["tests.noop"] * 13
    earlier = timezone.now() - timedelta(seconds=10)
    ids = []
    for number, action in enumerate(actions):
        job = make_job(name=f"group-{number}", action=action, args=[], cron="0 0 1 1 *")
        run = lifecycle.create_run(job)
        JobLog.objects.filter(pk=run.pk).update(due_at=earlier + timedelta(milliseconds=number))
        ids.append(run.pk)
    with thx_process(
        ["worker"], sqlite_url(), log=tmp_path / "worker.log", THX_CRON_REQUEUE_SECONDS="3"
    ):
        wait_for(
            lambda: JobLog.objects.filter(pk__in=ids, status__in=ENDS).count() == len(ids),
            timeout=90,
        )
    runs = {run.pk: run for run in JobLog.objects.filter(pk__in=ids)}
    statuses = [runs[pk].status for pk in ids]
    assert statuses[:8] == ["succeeded"] * 8, statuses
    assert set(statuses[8:10]) <= {"succeeded", "lost"}, statuses
    assert statuses[10:16] == ["lost"] * 6, statuses
    assert statuses[16:] == ["succeeded"] * 8, statuses
    # The task of 16: runs 9 to 16 were claimed in the killed worker's task; 17 to 24 ran in
    # later tasks, after the requeue.
    killed = runs[ids[10]]
    assert all(runs[pk].task_id == killed.task_id for pk in ids[8:16])
    assert all(runs[pk].task_id and runs[pk].task_id != killed.task_id for pk in ids[16:])
    for pk in ids:
        kinds = list(JobEvent.objects.filter(run_id=pk).values_list("kind", flat=True))
        assert kinds == ["queued", "started", runs[pk].status], (pk, kinds)
    assert JobLog.objects.filter(job__name__startswith="group-").count() == len(ids)
