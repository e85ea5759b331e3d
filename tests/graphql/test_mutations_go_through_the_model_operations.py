"""runJobNow, cancelRun, pauseJob and resumeJob call the one model entry of each operation, and
keep their field-named errors."""

from __future__ import annotations

from typing import Any
from unittest import mock

from thx_cron import lifecycle
from thx_cron.models import Job, JobLog
from thx_cron.runner import execution


def test_run_now_and_cancel_go_through_job_run_now_and_run_cancel(
    alice: Any, make_job: Any, user: Any
) -> None:
    job = make_job(owner=user)
    with (
        mock.patch.object(Job, "run_now", autospec=True, side_effect=Job.run_now) as run_now,
        mock.patch.object(JobLog, "cancel", autospec=True, side_effect=JobLog.cancel) as cancel,
    ):
        run = alice.data(
            "mutation($id: ID!) { runJobNow(id: $id) { ... on JobLog { id } } }", {"id": job.pk}
        )["runJobNow"]
        cancelled = alice.data(
            "mutation($id: ID!) { cancelRun(id: $id) { ... on JobLog { status } } }",
            {"id": run["id"]},
        )["cancelRun"]
    assert cancelled == {"status": "CANCELLED"}
    assert (run_now.call_count, cancel.call_count) == (1, 1)
    assert run_now.call_args.kwargs == {"triggered_by": user}


def test_pause_and_resume_go_through_job_pause_and_resume(
    alice: Any, make_job: Any, user: Any
) -> None:
    job = make_job(owner=user)
    with (
        mock.patch.object(Job, "pause", autospec=True, side_effect=Job.pause) as pause,
        mock.patch.object(Job, "resume", autospec=True, side_effect=Job.resume) as resume,
    ):
        alice.data("mutation($id: ID!) { pauseJob(id: $id) { ... on Job { id } } }", {"id": job.pk})
        alice.data(
            "mutation($id: ID!) { resumeJob(id: $id) { ... on Job { id } } }", {"id": job.pk}
        )
    assert (pause.call_count, resume.call_count) == (1, 1)


def test_cancelling_a_finished_run_is_still_an_error_naming_the_id(
    alice: Any, make_job: Any, user: Any
) -> None:
    run = execution.execute_run(lifecycle.create_run(make_job(owner=user)))
    answer = alice.execute(
        """mutation($id: ID!) { cancelRun(id: $id) {
        ... on OperationInfo { messages { field message } } } }""",
        {"id": run.pk},
    )
    [message] = answer["data"]["cancelRun"]["messages"]
    assert message["field"] == "id"
    assert message["message"] == f"Run '{run.pk}' has already finished (succeeded)."
    assert JobLog.objects.get(pk=run.pk).status == JobLog.Status.SUCCEEDED
