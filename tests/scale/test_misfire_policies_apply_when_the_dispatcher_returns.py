"""The dispatcher is down for several schedule periods and comes back: each job's misfire policy
is honoured exactly (`run_once`: one catch-up, `skip`: none, `run_all`: every missed occurrence)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from tests.processes import wait_for
from tests.scale.conftest import interval_jobs
from tests.services import needs_postgres
from thx_cron.conf import thx_settings
from thx_cron.models import Job, JobLog

pytestmark = [pytest.mark.slow, needs_postgres]

EVERY = 2
GRACE = 1
_TICK = timedelta(microseconds=1)
_AHEAD = timedelta(seconds=thx_settings.CLAIM_AHEAD)
POLICIES = [Job.Misfire.RUN_ONCE, Job.Misfire.SKIP, Job.Misfire.RUN_ALL]


def test_after_an_outage_each_misfire_policy_is_honoured_exactly(pg_db, make_fleet):
    fleet = make_fleet(pg_db)
    jobs = {
        policy: interval_jobs(
            pg_db.alias,
            1,
            EVERY,
            prefix=policy,
            misfire_policy=policy,
            misfire_grace_seconds=GRACE,
            overlap_policy=Job.Overlap.ALLOW,
        )[0]
        for policy in POLICIES
    }
    runs = JobLog.objects.using(pg_db.alias)
    fleet.start("before")
    wait_for(lambda: runs.filter(status=JobLog.Status.SUCCEEDED).count() >= 2 * len(jobs), 60)
    fleet.stop("before")

    # Down for about four periods; what each job was due at when the dispatcher stopped stays put.
    due = {p: Job.objects.using(pg_db.alias).get(pk=j.pk).next_run_at for p, j in jobs.items()}
    before = set(runs.values_list("pk", flat=True))
    time.sleep(4 * EVERY + 0.5)
    fleet.start("after")
    after = runs.exclude(pk__in=before)
    wait_for(lambda: after.filter(trigger=JobLog.Trigger.SCHEDULE).count() >= len(jobs), 60)

    for policy, job in jobs.items():
        mine = after.filter(job=job)
        # The instant the returning dispatcher first claimed this job, and what it had missed.
        back = min(mine.values_list("queued_at", flat=True))
        cutoff = back - timedelta(seconds=GRACE)
        missed = job.schedule.between(due[policy] - _TICK, cutoff, 1000)
        on_time = job.schedule.between(cutoff, back, 1000)
        assert len(missed) >= 3, (policy, due[policy], back)
        catch_up = sorted(
            mine.filter(trigger=JobLog.Trigger.CATCH_UP).values_list("scheduled_for", flat=True)
        )
        expected = {
            Job.Misfire.RUN_ALL: missed,
            Job.Misfire.RUN_ONCE: [] if on_time else missed[-1:],
            Job.Misfire.SKIP: [],
        }[policy]
        assert catch_up == expected, policy
        # Nothing ran twice, and the missed occurrences that did not run are on record as skipped.
        first_claim = mine.filter(queued_at=back)
        skipped = first_claim.filter(status=JobLog.Status.SKIPPED)
        if policy == Job.Misfire.RUN_ALL:
            assert not skipped.exists()
        else:
            [record] = skipped
            assert record.scheduled_for == max(set(missed) - set(expected))
        scheduled = first_claim.filter(trigger=JobLog.Trigger.SCHEDULE).exclude(
            status=JobLog.Status.SKIPPED
        )
        claimed_due = scheduled.filter(due_at=back)
        assert sorted(claimed_due.values_list("scheduled_for", flat=True)) == on_time, policy
        # The same claim may also take the occurrence after, if it is at most CLAIM_AHEAD away;
        # that run is due at its own instant, not at the claim's.
        ahead = sorted(scheduled.exclude(due_at=back).values_list("scheduled_for", flat=True))
        assert ahead == job.schedule.between(back, back + _AHEAD, 1000)[: len(ahead)], policy
        assert all(run.due_at == run.scheduled_for for run in scheduled.exclude(due_at=back))
    occurrences = list(
        runs.exclude(status=JobLog.Status.SKIPPED).values_list("job", "scheduled_for")
    )
    assert len(occurrences) == len(set(occurrences))
    fleet.assert_alive()
