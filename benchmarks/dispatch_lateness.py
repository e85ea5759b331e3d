"""How late do 200 jobs due at the same instant start? thx-cron vs plain django-q2 schedules.

Both sides use the same cron expression, `M * * * *` for the first minute M at least `--lead`
seconds away, the embedded default (SQLite, ORM broker) unless --database-url / --redis-url
are given, and a real worker process. Lateness is the start
of the run minus the occurrence it was due for.

    .venv/bin/python benchmarks/dispatch_lateness.py [--jobs 200] [--lead 75]

`--lead` is how long before the occurrence, at least, the worker starts (10 s by default). Over a
minute, its idle workers' database connections are older than the standalone server's
CONN_MAX_AGE (60 s) when the burst comes, as in a deployment whose jobs run hourly.
`--every-minute` gives the jobs `* * * * *` instead (first due at that minute), as
benchmarks/peers.py does.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness import prepare, process, read_probe, summary, wait_until

LEAD_SECONDS = 10  # the default time for the worker to start before the occurrence


def next_minute(lead: float) -> datetime:
    """Return the first minute boundary at least `lead` seconds away."""
    soonest = datetime.now(UTC) + timedelta(seconds=lead)
    return soonest.replace(second=0, microsecond=0) + timedelta(minutes=1)


def thx_cron_side(
    jobs: int, data_dir: Path, lead: float = LEAD_SECONDS, every_minute: bool = False
) -> list[float]:
    from thx_cron.models import Job, JobLog

    due = next_minute(lead)
    Job.objects.filter(name__startswith="lateness-").delete()  # an earlier run's, with its runs
    for i in range(jobs):
        # Due at that minute of the hour (an hour ahead at most), and only then.
        job = Job(
            name=f"lateness-{i}",
            action="bench.probe",
            args=[f"thx-{i}"],
            cron="* * * * *" if every_minute else f"{due.minute} * * * *",
        )
        job.full_clean()
        job.save()
    if every_minute:  # not at the minute that comes first
        Job.objects.filter(name__startswith="lateness-").update(next_run_at=due)
    assert Job.objects.filter(next_run_at=due).count() == jobs
    finished = JobLog.objects.filter(scheduled_for=due, status=JobLog.Status.SUCCEEDED)
    with process("worker", log=data_dir / "thx-worker.log"):
        wait_until(lambda: finished.count() >= jobs, timeout=(due - _now()).total_seconds() + 120)
    Job.objects.update(enabled=False)
    # The action's own call, as the probe wrote it (a run's recorded start may precede it by
    # at most execution.RESTART_AFTER when runs are claimed together).
    called = [
        stamp - due.timestamp()
        for stamp, label in read_probe(data_dir / "probe.log")
        if label.startswith("thx-")
    ]
    if called:
        print(f"  thx-cron, at the action's call: {summary(called)}")
    return [
        (run.started_at - run.scheduled_for).total_seconds()
        for run in JobLog.objects.filter(scheduled_for=due).exclude(started_at=None)
    ]


def django_q2_side(
    jobs: int, data_dir: Path, lead: float = LEAD_SECONDS, every_minute: bool = False
) -> list[float]:
    from django_q.models import Schedule

    due = next_minute(lead)
    Schedule.objects.bulk_create(
        Schedule(
            name=f"lateness-q2-{i}",
            func="benchmarks.probe.probe",
            args=repr(f"q2-{i}"),
            schedule_type=Schedule.CRON,
            cron="* * * * *" if every_minute else f"{due.minute} * * * *",
            next_run=due,
            repeats=-1,
        )
        for i in range(jobs)
    )
    probe_file = data_dir / "probe.log"

    def started() -> list[float]:
        return [stamp for stamp, label in read_probe(probe_file) if label.startswith("q2-")]

    with process("qcluster", log=data_dir / "q2-cluster.log"):
        wait_until(lambda: len(started()) >= jobs, timeout=(due - _now()).total_seconds() + 150)
    Schedule.objects.filter(name__startswith="lateness-q2-").delete()
    return [stamp - due.timestamp() for stamp in started()]


def _now() -> datetime:
    return datetime.now(UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url")
    parser.add_argument("--only", choices=["thx-cron", "django-q2"], help="run one side only")
    parser.add_argument(
        "--lead",
        type=float,
        default=LEAD_SECONDS,
        help="start the worker at least this many seconds before the occurrence",
    )
    parser.add_argument(
        "--every-minute", action="store_true", help="jobs every minute (* * * * *), as peers.py"
    )
    options = parser.parse_args()
    data_dir = prepare(options.database_url, options.redis_url)
    started = time.monotonic()
    every = options.every_minute
    thx = (
        thx_cron_side(options.jobs, data_dir, options.lead, every)
        if options.only != "django-q2"
        else []
    )
    q2 = (
        django_q2_side(options.jobs, data_dir, options.lead, every)
        if options.only != "thx-cron"
        else []
    )
    print(f"dispatch_lateness: {options.jobs} jobs due at the same instant")
    if thx:
        print(f"  thx-cron:         {summary(thx)}")
    if q2:
        print(f"  django-q2 cron:   {summary(q2)}")
    if thx and q2:
        ratio = statistics.median(q2) / max(statistics.median(thx), 1e-6)
        print(f"  p50 ratio django-q2 / thx-cron: {ratio:.1f}x later")
    missing_thx, missing_q2 = options.jobs - len(thx), options.jobs - len(q2)
    if options.only:
        missing_thx, missing_q2 = (
            (0, missing_q2) if options.only == "django-q2" else (missing_thx, 0)
        )
    if missing_thx or missing_q2:
        print(f"  NOT STARTED within the wait: thx-cron {missing_thx}, django-q2 {missing_q2}")
    print(f"  (total {time.monotonic() - started:.0f} s; logs in {data_dir})")


if __name__ == "__main__":
    main()
