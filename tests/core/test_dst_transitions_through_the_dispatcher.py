"""Debian cron's DST rules, through the model and the dispatcher (not only the schedule math).

Europe/Rome springs forward 2027-03-28 02:00 -> 03:00 and falls back 2027-10-31 03:00 -> 02:00;
America/New_York springs forward 2027-03-14 02:00 -> 03:00 and falls back 2027-11-07 02:00 -> 01:00.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.core.builders import at, make_due
from thx_cron import dispatch
from thx_cron.models import JobLog

pytestmark = pytest.mark.django_db


def dispatch_every_minute(start, end):
    moment = start
    while moment <= end:
        dispatch.claim_due(moment)
        moment += timedelta(minutes=1)


def scheduled(job):
    return list(
        JobLog.objects.filter(job=job)
        .order_by("scheduled_for")
        .values_list("scheduled_for", flat=True)
    )


@pytest.mark.parametrize(
    "zone, cron, due, start, end, expected",
    [
        # 02:30 does not exist on the spring-forward day: one run right after the jump.
        (
            "Europe/Rome",
            "30 2 * * *",
            "2027-03-27T01:30",
            "2027-03-27T23:00",
            "2027-03-28T03:00",
            ["2027-03-28T01:00"],
        ),
        (
            "America/New_York",
            "30 2 * * *",
            "2027-03-13T07:30",
            "2027-03-14T05:00",
            "2027-03-14T09:00",
            ["2027-03-14T07:00"],
        ),
        # 02:30 happens twice on the fall-back day: one run, at the first pass.
        (
            "Europe/Rome",
            "30 2 * * *",
            "2027-10-30T00:30",
            "2027-10-30T23:00",
            "2027-10-31T03:00",
            ["2027-10-31T00:30"],
        ),
        (
            "America/New_York",
            "30 1 * * *",
            "2027-11-06T05:30",
            "2027-11-07T04:00",
            "2027-11-07T08:00",
            ["2027-11-07T05:30"],
        ),
        # A wildcard hour runs on every wall-clock hour that exists, twice in the repeated one.
        (
            "America/New_York",
            "15 * * * *",
            "2027-11-07T04:15",
            "2027-11-07T04:16",
            "2027-11-07T07:20",
            ["2027-11-07T05:15", "2027-11-07T06:15", "2027-11-07T07:15"],
        ),
    ],
)
def test_a_job_runs_as_debian_cron_does_across_a_dst_change(
    make_job, zone, cron, due, start, end, expected
):
    job = make_due(make_job(cron=cron, timezone=zone, misfire_policy="skip"), at(due))
    JobLog.objects.all().delete()
    dispatch_every_minute(at(start), at(end))
    runs = [moment for moment in scheduled(job) if moment > at(start) - timedelta(minutes=1)]
    assert runs == [at(text) for text in expected]
    assert not JobLog.objects.filter(job=job, status="skipped", scheduled_for__gte=at(start))
