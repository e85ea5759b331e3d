"""The run path's statements: every run of every job pays them, so their number is pinned here."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thx_cron import lifecycle, statements
from thx_cron.models import Job, JobEvent, JobLog
from thx_cron.runner import execution

pytestmark = pytest.mark.django_db(transaction=True)


def statements_of(*runs: JobLog, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], int]:
    """The statements of one task executing `runs` as "VERB table" (transaction control and the
    cached check whether any notification rule exists are left out), and its commits: those
    ending a transaction, and each write made outside one (autocommit)."""
    commits = []
    commit = connection.commit
    monkeypatch.setattr(connection, "commit", lambda: (commits.append(1), commit())[1])

    def autocommit(execute, sql, params, many, context):
        if not connection.in_atomic_block and sql.split()[0].upper() in ("UPDATE", "INSERT"):
            commits.append(1)
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(autocommit):
        assert execution.execute(*(run.pk for run in runs)) == JobLog.Status.SUCCEEDED
    made = []
    for query in captured.captured_queries:
        words = query["sql"].replace('"', "").split()
        verb = words[0].upper()
        table = next(word for word in words if word.startswith("thx_cron_") or verb in TX)
        if verb not in TX and not table.startswith("thx_cron_notifications"):
            made.append(f"{verb} {table.removeprefix('thx_cron_').split('.')[0]}")
    return made, len(commits)


TX = {"BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"}
# A start: the claim (the job's row is not touched: that it runs is read from the run), the event.
START = ["UPDATE joblog", "INSERT jobevent"]
# Completing: the job locked first, its failure streak read with the lock (the jobs of every
# outcome committed together, in id order, in one statement), then the outcome, the job's
# summary and the event; the same four statements for the outcomes of several runs of distinct
# jobs committed together.
COMPLETE = ["SELECT job", "UPDATE joblog", "UPDATE job", "INSERT jobevent"]


def test_a_run_of_a_job_that_allows_overlap_costs_seven_statements_and_two_commits(
    make_job, monkeypatch
):
    job = make_job(overlap_policy=Job.Overlap.ALLOW)
    run = lifecycle.create_run(job, enqueued=True)
    made, commits = statements_of(run, monkeypatch=monkeypatch)
    assert made == [
        "SELECT joblog",  # the run, with the fields of its job that the run path needs
        *START,
        *COMPLETE,
    ]
    assert commits == 2  # the start before the action is called, then the outcome
    job.refresh_from_db()
    assert (job.last_run_id, job.last_status, job.run_count, job.success_count) == (
        run.pk,
        "succeeded",
        1,
        1,
    )
    kinds = list(JobEvent.objects.filter(run=run).values_list("kind", flat=True))
    assert kinds == ["queued", "started", "succeeded"]


def test_a_task_of_several_runs_claims_them_together_and_commits_their_outcomes_together(
    make_job, monkeypatch
):
    # However slow the machine: outcomes wait for the end of the task, no run re-stamps its start.
    monkeypatch.setattr(execution, "GROUP_SECONDS", 60.0)
    monkeypatch.setattr(execution, "RESTART_AFTER", 60.0)
    jobs = [make_job(name=f"batch-{n}", overlap_policy=Job.Overlap.ALLOW) for n in range(4)]
    runs = [lifecycle.create_run(job, enqueued=True) for job in jobs]
    made, commits = statements_of(*runs, monkeypatch=monkeypatch)
    # One read and one claim for all four, with one INSERT of their events; then one lock of
    # their jobs, one UPDATE of the four runs, one of their jobs' summaries and one INSERT of
    # their events.
    assert made == ["SELECT joblog", "UPDATE joblog", "INSERT jobevent", *COMPLETE]
    assert commits == 2  # the claim before the first action is called, then the outcomes
    for run in runs:
        run.refresh_from_db()
        assert run.status == "succeeded"
        kinds = list(JobEvent.objects.filter(run=run).values_list("kind", flat=True))
        assert kinds == ["queued", "started", "succeeded"]
    assert [job.runs.get().pk for job in jobs] == [run.pk for run in runs]
    assert set(Job.objects.values_list("run_count", "success_count", "last_status")) == {
        (1, 1, "succeeded")
    }


def test_a_task_of_more_runs_than_a_claim_group_claims_each_group_with_the_outcomes_before_it(
    make_job, monkeypatch
):
    monkeypatch.setattr(execution, "GROUP_SECONDS", 60.0)
    monkeypatch.setattr(execution, "RESTART_AFTER", 60.0)
    monkeypatch.setattr(execution, "CLAIM_GROUP", 2)
    monkeypatch.setattr(execution, "CLAIM_GROUP_MAX", 2)  # groups that do not grow here
    jobs = [make_job(name=f"batch-{n}", overlap_policy=Job.Overlap.ALLOW) for n in range(5)]
    runs = [lifecycle.create_run(job, enqueued=True) for job in jobs]
    made, commits = statements_of(*runs, monkeypatch=monkeypatch)
    # Groups of 2, 2 and 1: the second and the third are claimed in the transaction that
    # commits the two outcomes before them, whose first statement locks the jobs of both.
    assert made == ["SELECT joblog", *START, *COMPLETE, *START, *COMPLETE, *START, *COMPLETE]
    assert commits == 4
    for run in runs:
        run.refresh_from_db()
        assert run.status == "succeeded"
        kinds = list(JobEvent.objects.filter(run=run).values_list("kind", flat=True))
        assert kinds == ["queued", "started", "succeeded"]
    assert set(Job.objects.values_list("run_count", "success_count")) == {(1, 1)}


def test_an_outcome_waits_at_most_the_grouping_bound(make_job, monkeypatch):
    monkeypatch.setattr(execution, "GROUP_SECONDS", 0.0)  # commit each outcome at once
    monkeypatch.setattr(execution, "RESTART_AFTER", 60.0)
    jobs = [make_job(name=f"batch-{n}", overlap_policy=Job.Overlap.ALLOW) for n in range(3)]
    runs = [lifecycle.create_run(job, enqueued=True) for job in jobs]
    made, commits = statements_of(*runs, monkeypatch=monkeypatch)
    assert made == ["SELECT joblog", "UPDATE joblog", "INSERT jobevent", *COMPLETE * 3]
    assert commits == 4


def test_a_claimed_run_that_waited_its_turn_moves_its_start_to_when_it_begins(
    make_job, monkeypatch
):
    monkeypatch.setattr(execution, "GROUP_SECONDS", 60.0)
    monkeypatch.setattr(execution, "RESTART_AFTER", 0.0)
    jobs = [make_job(name=f"batch-{n}", overlap_policy=Job.Overlap.ALLOW) for n in range(2)]
    runs = [lifecycle.create_run(job, enqueued=True) for job in jobs]
    claim = ["SELECT joblog", "UPDATE joblog", "INSERT jobevent"]
    made, commits = statements_of(*runs, monkeypatch=monkeypatch)
    restart = ["UPDATE joblog"]
    # The second restart goes with the first outcome.
    assert made == [*claim, *restart, *COMPLETE, *restart, *COMPLETE]
    assert commits == 4
    first, second = (JobLog.objects.get(pk=run.pk) for run in runs)
    assert first.started_at < second.started_at  # each its own start, not the claim's
    assert second.deadline_at == second.started_at + timedelta(seconds=jobs[1].effective_timeout)
    assert JobEvent.objects.filter(run__in=runs, kind="started").count() == 2


def test_a_job_that_must_not_overlap_first_locks_and_looks_for_a_running_run(make_job, monkeypatch):
    job = make_job(overlap_policy=Job.Overlap.SKIP)
    run = lifecycle.create_run(job, enqueued=True)
    made, _ = statements_of(run, monkeypatch=monkeypatch)
    assert made == [
        "SELECT joblog",
        "SELECT job",  # lock the job
        "SELECT joblog",  # is this run still queued, and is another one running?
        *START,
        *COMPLETE,
    ]


def test_runs_of_jobs_that_must_not_overlap_are_claimed_together_after_one_look(
    make_job, monkeypatch
):
    monkeypatch.setattr(execution, "GROUP_SECONDS", 60.0)
    monkeypatch.setattr(execution, "RESTART_AFTER", 60.0)
    jobs = [make_job(name=f"skip-{n}", overlap_policy=Job.Overlap.SKIP) for n in range(4)]
    runs = [lifecycle.create_run(job, enqueued=True) for job in jobs]
    made, commits = statements_of(*runs, monkeypatch=monkeypatch)
    assert made == [
        "SELECT joblog",
        "SELECT job",  # lock the four jobs, in id order
        "SELECT joblog",  # is another run of any of them running?
        "UPDATE joblog",
        "INSERT jobevent",
        *COMPLETE,
    ]
    assert commits == 2
    assert set(
        JobLog.objects.filter(pk__in=[r.pk for r in runs]).values_list("status", flat=True)
    ) == {"succeeded"}


def test_a_run_whose_job_is_busy_is_held_back_and_skipped_by_its_policy(make_job, monkeypatch):
    monkeypatch.setattr(execution, "GROUP_SECONDS", 60.0)
    monkeypatch.setattr(execution, "RESTART_AFTER", 60.0)
    busy, free = (make_job(name=name, overlap_policy=Job.Overlap.SKIP) for name in "ab")
    running = lifecycle.create_run(busy, enqueued=True)
    assert lifecycle.start(busy, running, worker="elsewhere:1") is not None
    runs = [lifecycle.create_run(busy, enqueued=True), lifecycle.create_run(free, enqueued=True)]
    execution.execute(*(run.pk for run in runs))
    held, claimed = (JobLog.objects.get(pk=run.pk) for run in runs)
    assert (held.status, claimed.status) == ("skipped", "succeeded")
    assert held.error == f"Skipped: run {running.pk} of this job was still running."
    running.refresh_from_db()
    assert running.status == "running"  # untouched
    busy.refresh_from_db()
    assert (busy.last_status, busy.run_count) == ("skipped", 0)


def test_outcomes_of_a_success_and_failures_committed_together_keep_each_job_s_streak(
    make_job, monkeypatch
):
    monkeypatch.setattr(execution, "GROUP_SECONDS", 60.0)
    monkeypatch.setattr(execution, "RESTART_AFTER", 60.0)
    ok = make_job(name="ok", overlap_policy=Job.Overlap.ALLOW)
    failing = make_job(name="failing", action="demo.fail", overlap_policy=Job.Overlap.ALLOW)
    failing_again = make_job(name="again", action="demo.fail", overlap_policy=Job.Overlap.ALLOW)
    Job.objects.filter(pk=failing_again.pk).update(consecutive_failures=2, max_retries=0)
    Job.objects.filter(pk=failing.pk).update(max_retries=0)
    Job.objects.filter(pk=ok.pk).update(consecutive_failures=1)
    runs = [lifecycle.create_run(job, enqueued=True) for job in (ok, failing, failing_again)]
    execution.execute(*(run.pk for run in runs))
    summaries = {
        job.name: (job.last_status, job.consecutive_failures, job.success_count, job.failure_count)
        for job in Job.objects.all()
    }
    assert summaries == {
        "ok": ("succeeded", 0, 1, 0),
        "failing": ("failed", 1, 0, 1),
        "again": ("failed", 3, 0, 1),
    }
    streaks = {
        event.job.name: (
            event.data["previous_consecutive_failures"],
            event.data["consecutive_failures"],
        )
        for event in JobEvent.objects.filter(kind__in=["succeeded", "failed"]).select_related("job")
    }
    assert streaks == {"ok": (1, 0), "failing": (0, 1), "again": (2, 3)}


def test_the_run_path_loads_its_fields_converted_and_defers_the_rest(make_job):
    job = make_job(timeout_seconds=7)
    Job.objects.filter(pk=job.pk).update(args=["a", 1], kwargs={"b": [2]})  # no action checks
    run = lifecycle.create_run(job, enqueued=True)
    loaded = statements.load_run(run.pk, execution.RUN_FIELDS, execution.JOB_FIELDS)
    assert loaded is not None
    assert (loaded.pk, loaded.job_id, loaded.status, loaded.attempt) == (
        run.pk,
        job.pk,
        "queued",
        1,
    )
    assert (loaded.queued_at, loaded.due_at, loaded.started_at) == (run.queued_at, run.due_at, None)
    assert (loaded.job.args, loaded.job.kwargs, loaded.job.effective_timeout) == (
        ["a", 1],
        {"b": [2]},
        7,
    )
    assert {"output", "result", "error"} <= loaded.get_deferred_fields()
    assert loaded.output == ""  # a deferred field still loads when read
    assert statements.load_run(run.pk + 1000, execution.RUN_FIELDS, execution.JOB_FIELDS) is None


def test_a_run_that_another_worker_claimed_first_is_left_alone(make_job):
    job = make_job(overlap_policy=Job.Overlap.ALLOW)
    run = lifecycle.create_run(job, enqueued=True)
    assert lifecycle.start(job, run, worker="first:1") is not None
    assert lifecycle.start(job, run, worker="second:2") is None
    run.refresh_from_db()
    assert run.worker == "first:1"
    assert list(
        JobEvent.objects.filter(run=run, kind="started").values_list("data", flat=True)
    ) == [{"worker": "first:1", "attempt": 1}]


def test_completing_after_failures_ends_the_streak_read_with_the_lock(make_job, monkeypatch):
    job = make_job(overlap_policy=Job.Overlap.ALLOW)
    Job.objects.filter(pk=job.pk).update(consecutive_failures=3)
    run = lifecycle.create_run(job, enqueued=True)
    assert statements_of(run, monkeypatch=monkeypatch)[0][3:] == COMPLETE
    job.refresh_from_db()
    assert (job.consecutive_failures, job.success_count) == (0, 1)
    event = JobEvent.objects.get(run=run, kind="succeeded")
    assert (event.data["previous_consecutive_failures"], event.data["consecutive_failures"]) == (
        3,
        0,
    )


def test_a_success_that_comes_too_late_changes_nothing(make_job):
    job = make_job(overlap_policy=Job.Overlap.ALLOW)
    run = lifecycle.create_run(job, enqueued=True)
    started = lifecycle.start(job, run)
    assert started is not None
    lifecycle.error(job, started, "worker went silent", status=JobLog.Status.LOST, retry=False)
    late = lifecycle.complete(job, started, "too late")
    job.refresh_from_db()
    assert (late.status, late.result) == ("lost", None)
    assert (job.last_status, job.success_count, job.failure_count) == ("lost", 0, 1)
