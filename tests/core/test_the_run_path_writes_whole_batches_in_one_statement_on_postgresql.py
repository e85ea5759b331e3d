"""On PostgreSQL the run path writes the outcomes and job summaries of a whole batch as arrays,
one per column, in one statement whose text does not depend on the number of runs. What it
stores must be exactly what the ORM would: JSON results, nulls, errors, counters, guards."""

from __future__ import annotations

import pytest
from django.db import connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.services import TO_POSTGRES, needs_postgres
from thx_cron import lifecycle, statements
from thx_cron.models import Job, JobEvent, JobLog
from thx_cron.runner import execution

pytestmark = [
    needs_postgres,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, databases=["default", "postgres"]),
]


@pytest.fixture(autouse=True)
def on_postgres(monkeypatch):
    monkeypatch.setattr(execution, "GROUP_SECONDS", 60.0)  # every outcome of a task together
    monkeypatch.setattr(execution, "RESTART_AFTER", 60.0)
    with override_settings(DATABASE_ROUTERS=[TO_POSTGRES]):
        assert statements.alias() == "postgres"
        yield


def job(name: str, action: str, *args: object) -> Job:
    made = Job(name=name, action=action, args=list(args), cron="0 0 1 1 *", overlap_policy="allow")
    made.full_clean()
    made.save()
    return made


def updates(queries: CaptureQueriesContext, table: str) -> list[str]:
    # A statement psycopg runs prepared (from its sixth use on a connection, such as the events'
    # INSERT) is captured without its text (None).
    texts = [q["sql"] or "" for q in queries.captured_queries]
    return [sql for sql in texts if sql.startswith(f'UPDATE "{table}"')]


def test_a_batch_of_mixed_outcomes_is_stored_as_the_orm_reads_it():
    jobs = [
        job("returns-a-dict", "tests.add", 2, 3),
        job("returns-nothing", "tests.noop"),
        job("prints-and-logs", "tests.chatty", 2),
        job("fails", "demo.fail", "on purpose"),
    ]
    jobs[3].max_retries = 0
    jobs[3].save()
    runs = [lifecycle.create_run(j, enqueued=True) for j in jobs]
    with CaptureQueriesContext(connections["postgres"]) as queries:
        assert execution.execute(*(run.pk for run in runs)) == JobLog.Status.FAILED
    # The outcomes of the four runs in one statement, their jobs' summaries in at most two.
    assert len(updates(queries, "thx_cron_joblog")) == 2  # the claim, then the outcomes
    assert len(updates(queries, "thx_cron_job")) <= 2

    added, nothing, chatty, failed = (JobLog.objects.get(pk=run.pk) for run in runs)
    assert (added.status, added.result, added.error, added.traceback) == ("succeeded", 5, "", "")
    assert (nothing.status, nothing.result) == ("succeeded", None)
    assert JobLog.objects.filter(pk=nothing.pk, result__isnull=True).exists()  # SQL NULL
    assert chatty.result == "done"
    assert "line 0\nline 1\n" in chatty.output and "logged warning" in chatty.output
    assert failed.status == "failed"
    assert failed.error == "DemoFailure: on purpose"
    assert "Traceback" in failed.traceback and "DemoFailure" in failed.traceback
    for run in (added, nothing, chatty, failed):
        assert run.finished_at is not None and run.finished_at >= run.started_at
        assert run.duration_seconds == pytest.approx(
            (run.finished_at - run.started_at).total_seconds(), abs=1e-6
        )
    summaries = {
        j.name: (j.run_count, j.success_count, j.failure_count, j.last_status, j.last_run_id)
        for j in Job.objects.all()
    }
    assert summaries == {
        "returns-a-dict": (1, 1, 0, "succeeded", added.pk),
        "returns-nothing": (1, 1, 0, "succeeded", nothing.pk),
        "prints-and-logs": (1, 1, 0, "succeeded", chatty.pk),
        "fails": (1, 0, 1, "failed", failed.pk),
    }
    assert Job.objects.get(name="fails").consecutive_failures == 1
    kinds = JobEvent.objects.filter(run__in=runs).values_list("run", "kind")
    assert sorted(kinds) == sorted(
        [(run.pk, kind) for run in runs for kind in ("queued", "started")]
        + [(added.pk, "succeeded"), (nothing.pk, "succeeded"), (chatty.pk, "succeeded")]
        + [(failed.pk, "failed")]
    )


def test_the_statement_is_the_same_text_for_any_number_of_runs():
    jobs = [job(f"plain-{n}", "tests.noop") for n in range(7)]
    texts = []
    for size in (2, 7):
        runs = [lifecycle.create_run(j, enqueued=True) for j in jobs[:size]]
        with CaptureQueriesContext(connections["postgres"]) as queries:
            execution.execute(*(run.pk for run in runs))
        texts.append(updates(queries, "thx_cron_joblog")[-1])
        assert set(JobLog.objects.filter(pk__in=[r.pk for r in runs]).values_list("status")) == {
            ("succeeded",)
        }
    assert texts[0] == texts[1]
    assert "unnest(" in texts[0]
    assert list(Job.objects.values_list("run_count", flat=True).order_by("pk")) == [2, 2] + [1] * 5


def test_rows_that_set_different_fields_are_each_given_their_own():
    a, b, c = (job(f"plain-{n}", "tests.noop") for n in range(3))
    now = timezone.now()
    changed = statements.update_rows(
        Job,
        {a.pk: {"last_status": "failed"}, b.pk: {"last_run_at": now}},
        add={b.pk: {"run_count": 2}, c.pk: {"failure_count": 3}},
    )
    assert changed == {a.pk, b.pk, c.pk}
    rows = {
        j.pk: (j.last_status, j.last_run_at, j.run_count, j.failure_count)
        for j in Job.objects.all()
    }
    assert rows == {
        a.pk: ("failed", None, 0, 0),
        b.pk: ("", now, 2, 0),
        c.pk: ("", None, 0, 3),
    }


def test_a_guard_leaves_the_rows_it_does_not_match_as_they_were():
    a, b, c = (job(f"plain-{n}", "tests.noop") for n in range(3))
    Job.objects.filter(pk=b.pk).update(consecutive_failures=2)
    changed = statements.update_rows(
        Job,
        {pk: {"last_status": "succeeded", "consecutive_failures": 0} for pk in (a.pk, b.pk, c.pk)},
        add={pk: {"success_count": 1} for pk in (a.pk, b.pk, c.pk)},
        only_if={"consecutive_failures": 0},
    )
    assert changed == {a.pk, c.pk}
    rows = dict(Job.objects.values_list("pk", "last_status"))
    assert rows == {a.pk: "succeeded", b.pk: "", c.pk: "succeeded"}
    assert Job.objects.get(pk=b.pk).success_count == 0
    assert Job.objects.get(pk=b.pk).consecutive_failures == 2
    # A guard on the status, as outcomes are written: only the runs still active change.
    runs = [lifecycle.create_run(j, enqueued=True) for j in (a, b)]
    lifecycle.cancel(runs[1])
    ended = statements.update_rows(
        JobLog,
        {run.pk: {"status": "succeeded", "result": {"kept": [1, "two"]}} for run in runs},
        one_of=("status", JobLog.ACTIVE_STATUSES),
    )
    assert ended == {runs[0].pk}
    assert JobLog.objects.get(pk=runs[0].pk).result == {"kept": [1, "two"]}
    assert JobLog.objects.get(pk=runs[1].pk).status == "cancelled"
