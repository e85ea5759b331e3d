"""Create one workload's schedules in a system's database, the way its users would.

    python -m peers_site.control SYSTEM WORKLOAD KEY JOBS DUE

SYSTEM is thx (thx-cron, with its settings in the environment), q2 or celery; WORKLOAD is
`burst` (JOBS cron jobs every minute, the first due at DUE, a minute boundary) or `every2s`
(JOBS jobs every 2 seconds from DUE). Each job runs the no-op with the arguments (KEY, number).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

import django


def thx(workload: str, key: str, jobs: int, due: datetime) -> None:
    from thx_cron.models import Job

    for number in range(jobs):
        job = Job(name=f"peers-{number}", action="peers.noop", args=[key, number])
        if workload == "burst":
            job.cron = "* * * * *"
        else:
            job.schedule_kind, job.every_seconds, job.start_at = "interval", 2, due
        job.full_clean()
        job.save()
    wrong = Job.objects.exclude(next_run_at=due).count()
    if wrong:
        raise SystemExit(f"thx-cron: {wrong} of {jobs} jobs are not due at {due.isoformat()}")


def q2(workload: str, key: str, jobs: int, due: datetime) -> None:
    from django_q.models import Schedule

    # django-q2 has no schedule type under a minute; its cron (croniter) takes a sixth field,
    # the seconds.
    cron = "* * * * *" if workload == "burst" else "* * * * * */2"
    Schedule.objects.bulk_create(
        Schedule(
            name=f"peers-{number}",
            func="peers_site.record.record",
            args=repr((key, number)),
            schedule_type=Schedule.CRON,
            cron=cron,
            next_run=due,
            repeats=-1,
        )
        for number in range(jobs)
    )


def celery(workload: str, key: str, jobs: int, due: datetime) -> None:
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    schedule: dict[str, object]
    if workload == "burst":
        crontab = CrontabSchedule.objects.create(minute="*", hour="*", timezone="UTC")
        schedule = {"crontab": crontab}
    else:
        interval = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.SECONDS)
        schedule = {"interval": interval, "start_time": due}
    for number in range(jobs):
        PeriodicTask.objects.create(
            name=f"peers-{number}", task="peers.noop", args=json.dumps([key, number]), **schedule
        )


def main() -> None:
    system, workload, key, jobs, due = sys.argv[1:6]
    if workload not in ("burst", "every2s"):
        raise SystemExit(f"WORKLOAD must be burst or every2s, not {workload!r}")
    django.setup()
    {"thx": thx, "q2": q2, "celery": celery}[system](
        workload, key, int(jobs), datetime.fromtimestamp(float(due), UTC)
    )


if __name__ == "__main__":
    main()
