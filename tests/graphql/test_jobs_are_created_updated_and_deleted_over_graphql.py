from __future__ import annotations

from typing import Any

from thx_cron.models import Job, JobLog

CREATE = """
mutation($input: JobInput!) {
  createJob(input: $input) {
    __typename
    ... on Job { id name action args schedule { kind cron description } timezone nextRunAt
                 owner { username } }
    ... on OperationInfo { messages { kind field message } }
  }
}
"""


def test_a_user_creates_a_cron_job_they_own(alice: Any, user: Any) -> None:
    data = alice.data(
        CREATE,
        {
            "input": {
                "name": "daily",
                "action": "demo.echo",
                "args": ["hi"],
                "schedule": {"cron": "0 9 * * 1-5"},
                "timezone": "Europe/Paris",
            }
        },
    )["createJob"]
    assert data["__typename"] == "Job"
    assert data["owner"]["username"] == "alice"
    assert data["schedule"]["kind"] == "CRON"
    assert data["schedule"]["cron"] == "0 9 * * 1-5"
    assert data["nextRunAt"]
    job = Job.objects.get(name="daily")
    assert job.owner == user and job.timezone == "Europe/Paris"


def test_each_schedule_kind_maps_onto_the_job(alice: Any) -> None:
    schedules = {
        "cal": ({"calendar": {"hour": 9, "minute": 30}}, "CALENDAR"),
        "every": ({"every": {"seconds": 30}}, "INTERVAL"),
        "at": ({"at": "2040-01-01T09:00:00"}, "ONCE"),
    }
    for name, (schedule, kind) in schedules.items():
        data = alice.data(
            CREATE,
            {
                "input": {
                    "name": name,
                    "action": "demo.echo",
                    "args": ["x"],
                    "schedule": schedule,
                    "timezone": "America/New_York",
                }
            },
        )["createJob"]
        assert data["schedule"]["kind"] == kind, data
    assert Job.objects.get(name="cal").hour == 9
    assert Job.objects.get(name="every").every_seconds == 30
    # A wall-clock instant is read in the job's zone: 09:00 in New York is 14:00 UTC in winter.
    assert Job.objects.get(name="at").run_at.isoformat() == "2040-01-01T14:00:00+00:00"


def test_update_pause_resume_and_delete(alice: Any, make_job: Any, user: Any) -> None:
    job = make_job(owner=user)
    update = """mutation($id: ID!, $input: JobInput!) { updateJob(id: $id, input: $input) {
        ... on Job { name schedule { kind every { seconds } } } } }"""
    data = alice.data(
        update, {"id": job.pk, "input": {"name": "renamed", "schedule": {"every": {"seconds": 60}}}}
    )
    assert data["updateJob"] == {
        "name": "renamed",
        "schedule": {"kind": "INTERVAL", "every": {"seconds": 60}},
    }
    job.refresh_from_db()
    assert job.cron == "" and job.every_seconds == 60

    paused = alice.data(
        """mutation($id: ID!) { pauseJob(id: $id) {
        ... on Job { enabled nextRunAt } } }""",
        {"id": job.pk},
    )["pauseJob"]
    assert paused == {"enabled": False, "nextRunAt": None}
    resumed = alice.data(
        """mutation($id: ID!) { resumeJob(id: $id) {
        ... on Job { enabled nextRunAt } } }""",
        {"id": job.pk},
    )["resumeJob"]
    assert resumed["enabled"] is True and resumed["nextRunAt"]

    deleted = alice.data(
        """mutation($id: ID!) { deleteJob(id: $id) {
        ... on DeletedJob { name } } }""",
        {"id": job.pk},
    )["deleteJob"]
    assert deleted == {"name": "renamed"}
    assert not Job.objects.filter(pk=job.pk).exists()


def test_run_now_queues_a_manual_run_and_cancel_cancels_it(
    alice: Any, make_job: Any, user: Any
) -> None:
    job = make_job(owner=user)
    run = alice.data(
        """mutation($id: ID!) { runJobNow(id: $id) {
        ... on JobLog { id status trigger job { name } } } }""",
        {"id": job.pk},
    )["runJobNow"]
    assert run["status"] == "QUEUED" and run["trigger"] == "MANUAL"
    assert run["job"]["name"] == job.name
    stored = JobLog.objects.get(job=job)
    assert stored.triggered_by == user

    cancelled = alice.data(
        """mutation($id: ID!) { cancelRun(id: $id) {
        ... on JobLog { status } } }""",
        {"id": run["id"]},
    )["cancelRun"]
    assert cancelled == {"status": "CANCELLED"}
    stored.refresh_from_db()
    assert stored.status == JobLog.Status.CANCELLED


def test_jobs_and_job_logs_are_relay_connections_with_filters(
    alice: Any, make_job: Any, user: Any
) -> None:
    for name in ("b-job", "a-job", "c-other"):
        make_job(owner=user, name=name)
    data = alice.data("""{ jobs(filters: {name: {startsWith: "a"}}) { totalCount
        edges { node { name } } } }""")
    assert data["jobs"] == {"totalCount": 1, "edges": [{"node": {"name": "a-job"}}]}
    data = alice.data("""{ jobs(first: 2, ordering: [{name: DESC}]) { totalCount
        pageInfo { hasNextPage } edges { node { name } } } }""")
    assert data["jobs"]["totalCount"] == 3
    assert [e["node"]["name"] for e in data["jobs"]["edges"]] == ["c-other", "b-job"]
    assert data["jobs"]["pageInfo"]["hasNextPage"] is True
