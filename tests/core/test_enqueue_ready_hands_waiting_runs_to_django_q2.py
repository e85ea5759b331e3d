from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import OrmQ

from tests.core.builders import at, queued_task_runs
from thx_cron import dispatch, lifecycle
from thx_cron.models import JobLog

pytestmark = pytest.mark.django_db

T0 = at("2027-03-01T10:00:00")


def test_a_due_run_is_enqueued_once(make_job):
    run = lifecycle.create_run(make_job(), now=T0)
    assert dispatch.enqueue_ready(T0) == 1
    assert dispatch.enqueue_ready(T0 + timedelta(seconds=1)) == 0
    assert queued_task_runs() == [run.pk]


def test_a_run_whose_task_went_missing_is_enqueued_again(make_job, settings):
    settings.THX_CRON_REQUEUE_SECONDS = 60
    run = lifecycle.create_run(make_job(), now=T0)
    dispatch.enqueue_ready(T0)
    assert dispatch.enqueue_ready(T0 + timedelta(seconds=59)) == 0
    assert dispatch.enqueue_ready(T0 + timedelta(seconds=61)) == 1
    assert queued_task_runs() == [run.pk, run.pk]


def test_a_broker_error_leaves_the_run_for_the_next_tick(make_job, monkeypatch):
    import django_q.tasks

    def broken(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(django_q.tasks, "async_task", broken)
    run = lifecycle.create_run(make_job(), now=T0)
    assert dispatch.enqueue(run) is None
    assert JobLog.objects.get(pk=run.pk).enqueued_at is None


def test_the_dispatch_command_ticks_once(make_job, capsys):
    job = make_job()
    JobLog.objects.all().delete()
    past = timezone.now().replace(second=0, microsecond=0)  # an occurrence of "* * * * *"
    job.__class__.objects.filter(pk=job.pk).update(next_run_at=past)
    call_command("thx_cron_dispatch", "--once")
    assert capsys.readouterr().out.startswith("claimed 1, enqueued 0, recovered 0")


def test_a_burst_goes_out_in_tasks_of_8_then_16_then_32_runs(make_job):
    runs = []
    for number in range(60):
        run = lifecycle.create_run(make_job(name=f"burst-{number}"), now=T0)
        JobLog.objects.filter(pk=run.pk).update(due_at=T0 + timedelta(milliseconds=number))
        runs.append(run.pk)
    assert dispatch.enqueue_ready(T0 + timedelta(seconds=1)) == 60
    tasks = [list(task.task["args"]) for task in OrmQ.objects.order_by("id")]
    assert [len(task) for task in tasks] == [8, 16, 32, 4]
    assert [pk for task in tasks for pk in task] == runs  # in due order
