"""The API additions the dashboard reads: a job's next occurrences, a run's events and lateness,
the latest event id to subscribe after, and the owner filter for staff."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from strawberry.relay import to_base64

from thx_cron.models import JobEvent, JobLog


def test_a_job_lists_its_next_occurrences_in_its_zone(alice: Any, user: Any, make_job: Any):
    job = make_job(owner=user, cron="0 9 * * *", timezone="Europe/Rome")
    data = alice.data(
        "query($id: ID!) { job(id: $id) { nextOccurrences(count: 3) } }",
        {"id": to_base64("Job", job.pk)},
    )
    moments = data["job"]["nextOccurrences"]
    assert len(moments) == 3
    assert all(
        moment[11:19] == "09:00:00" and moment[19:] in ("+01:00", "+02:00") for moment in moments
    )


def test_next_occurrences_refuses_a_count_out_of_range_naming_it(
    alice: Any, user: Any, make_job: Any
):
    job = make_job(owner=user)
    answer = alice.execute(
        "query($id: ID!) { job(id: $id) { nextOccurrences(count: 0) } }",
        {"id": to_base64("Job", job.pk)},
    )
    assert answer["errors"][0]["message"] == "count: Must be from 1 to 100 (got 0)."


def test_a_run_shows_its_events_oldest_first_and_its_lateness(alice: Any, user: Any, make_job: Any):
    job = make_job(owner=user)
    run = job.start()
    job.complete(run, result="ok")
    due = run.started_at - timedelta(seconds=2.5)
    JobLog.objects.filter(pk=run.pk).update(scheduled_for=due)
    data = alice.data(
        "query($id: ID!) { jobLog(id: $id) { latenessSeconds events { id kind } } }",
        {"id": to_base64("JobLog", run.pk)},
    )["jobLog"]
    assert data["latenessSeconds"] == 2.5
    kinds = [event["kind"] for event in data["events"]]
    assert kinds == ["QUEUED", "STARTED", "SUCCEEDED"]
    expected = list(JobEvent.objects.filter(run=run).order_by("id").values_list("pk", flat=True))
    assert [event["id"] for event in data["events"]] == [
        to_base64("JobEvent", pk) for pk in expected
    ]


def test_a_manual_run_has_no_lateness(alice: Any, user: Any, make_job: Any):
    job = make_job(owner=user)
    run = job.start()
    data = alice.data(
        "query($id: ID!) { jobLog(id: $id) { latenessSeconds } }",
        {"id": to_base64("JobLog", run.pk)},
    )
    assert data["jobLog"]["latenessSeconds"] is None


def test_the_latest_event_id_is_the_newest_the_caller_may_see(
    alice: Any, bob: Any, user: Any, other_user: Any, make_job: Any, client_for: Any
):
    mine = make_job(owner=user)
    mine.start()
    newest_of_alice = JobEvent.objects.filter(job=mine).latest("id")
    theirs = make_job(owner=other_user)
    theirs.start()
    assert alice.data("{ latestEventId }")["latestEventId"] == to_base64(
        "JobEvent", newest_of_alice.pk
    )
    assert bob.data("{ latestEventId }")["latestEventId"] == to_base64(
        "JobEvent", JobEvent.objects.latest("id").pk
    )
    assert client_for(None).data("{ latestEventId }")["latestEventId"] is None


def test_staff_filter_jobs_by_their_owner(
    staff_user: Any, user: Any, other_user: Any, make_job: Any, client_for: Any
):
    make_job(owner=user, name="of-alice")
    make_job(owner=other_user, name="of-bob")
    carol = client_for(staff_user)
    query = """query($owner: String) { jobs(filters: {owner: $owner}) {
        edges { node { name owner { username } } } } }"""

    def names(owner: str | None) -> list[str]:
        edges = carol.data(query, {"owner": owner})["jobs"]["edges"]
        return [edge["node"]["name"] for edge in edges]

    assert names("bob") == ["of-bob"]
    assert sorted(names(None)) == ["of-alice", "of-bob"]


def test_the_owner_filter_does_not_widen_what_a_user_sees(
    alice: Any, other_user: Any, make_job: Any
):
    make_job(owner=other_user, name="of-bob", next_run_at=timezone.now())
    data = alice.data('{ jobs(filters: {owner: "bob"}) { totalCount } }')
    assert data["jobs"]["totalCount"] == 0
