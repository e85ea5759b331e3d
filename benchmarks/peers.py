"""thx-cron against its peers: how late do scheduled jobs start, and does every occurrence run once?

Two workloads, each system with 2 executing workers and the same no-op job:

- burst: 200 cron jobs every minute, all due at one minute boundary; lateness (due -> started)
  of that minute's runs;
- every2s: 100 jobs every 2 seconds for 60 s (3,000 occurrences); lateness, and how many
  occurrences ran, were missing and ran twice.

Systems: thx-cron from this checkout on its embedded default (SQLite, ORM broker) and on
PostgreSQL + Redis (`thx-cron worker`, 2 django-q2 workers, its dispatcher); django-q2 Schedules
(`qcluster`, 2 workers, Redis broker, PostgreSQL); Celery beat with django-celery-beat and
django-celery-results (a prefork worker of concurrency 2, Redis broker, PostgreSQL); APScheduler 3
(BlockingScheduler, ThreadPoolExecutor(2) and ProcessPoolExecutor(2), memory job store). Each
peer is pip-installed with the pinned versions below into its own virtual environment under
~/.cache/thx-cron-bench/peers/ (reused while its pins are unchanged); PostgreSQL and Redis are
shared. Every run starts from a fresh database (a copy of one migrated per system) and fresh
processes, stopped (their whole process group) when the run ends, also on Ctrl-C.

The no-op (benchmarks/peers_site/record.py) takes time.time() first, then appends it with its
job number to a Redis list. The harness knows each job's schedule and gives every start to the
last occurrence due at or before it, for every system alike: a start later than one period
(2 s, or a minute) counts against the next occurrence, so it shows as one missing and one doubled.
Rounds interleave the systems (a rotated order each round); the table pools all rounds.

    .venv/bin/python benchmarks/peers.py                 # 3 rounds, ~1 h
    .venv/bin/python benchmarks/peers.py --quick         # 1 round, 50 / 20 jobs, 20 s
    .venv/bin/python benchmarks/peers.py --systems thx-pg,apscheduler-threads --rounds 2

Needs PostgreSQL (--database-url, a server where databases bench_peers_* may be created and
dropped) and Redis (--redis-url; its database N holds the records, N+1..N+3 the brokers).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit, urlunsplit

from harness import ROOT, command, percentile, process, wait_until

SITE = ROOT / "benchmarks"  # on PYTHONPATH: the peers_site package
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "thx-cron-bench/peers"
# The versions measured; transitive dependencies are whatever pip resolves for these.
PINS = {
    "django-q2": [
        "Django==5.2.19",
        "django-q2==1.11.1",
        "croniter==7.0.0",
        "redis==8.1.0",
        "psycopg[binary]==3.3.9",
    ],
    "celery": [
        "Django==5.2.19",
        "celery[redis]==5.7.0",
        "django-celery-beat==2.9.0",
        "django-celery-results==2.6.0",
        "redis==8.1.0",
        "psycopg[binary]==3.3.9",
    ],
    "apscheduler": ["APScheduler==3.11.3", "redis==8.1.0"],
}
# Seconds from creating the schedules to the first due time, at least: on a loaded 2-core machine
# Django's set-up alone can take 5 s, and each system's processes must be up before it.
BURST_LEAD = 45.0
PERIODIC_LEAD = 45.0
PERIOD = 2.0


@dataclass
class Workload:
    name: str  # burst | every2s
    jobs: int
    duration: float  # every2s: the window of occurrences; burst: the longest wait after due

    @property
    def title(self) -> str:
        if self.name == "burst":
            return f"{self.jobs} jobs due at one minute"
        return f"{self.jobs} jobs every 2 s for {self.duration:.0f} s"


@dataclass
class Result:
    lateness: list[float] = field(default_factory=list)  # first start of each occurrence run
    round_p50: list[float] = field(default_factory=list)
    expected: int = 0
    ran: int = 0
    missing: int = 0
    doubled: int = 0
    outside: int = 0  # starts before the first occurrence (or of a job not made)
    problems: list[str] = field(default_factory=list)


class Context:
    """What every system shares: the servers, a scratch folder, the databases made."""

    def __init__(self, database_url: str, redis_url: str, scratch: Path) -> None:
        self.database_url = database_url
        parts = urlsplit(redis_url)
        self.redis_base = urlunsplit(parts._replace(path=""))
        self.redis_db = int(parts.path.lstrip("/") or 0)
        self.scratch = scratch
        self.databases: list[str] = []

    def redis_url(self, offset: int = 0) -> str:
        return f"{self.redis_base}/{self.redis_db + offset}"

    def database(self, name: str) -> str:
        return urlunsplit(urlsplit(self.database_url)._replace(path=f"/{name}"))

    def create_database(self, name: str, template: str | None = None) -> str:
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # type: ignore[arg-type]
            also = f" TEMPLATE {template}" if template else ""
            conn.execute(f"CREATE DATABASE {name}{also}")  # type: ignore[arg-type]
        self.databases.append(name)
        return self.database(name)

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # type: ignore[arg-type]
        if name in self.databases:
            self.databases.remove(name)

    def base_env(self) -> dict[str, str]:
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("THX_CRON_", "DJANGO_", "PEERS_", "CELERY"))
            and name not in ("DATABASE_URL", "PYTHONPATH", "VIRTUAL_ENV")
        }
        env.update(
            PYTHONPATH=str(SITE),
            PEERS_RECORD_URL=self.redis_url(),
            PYTHONDONTWRITEBYTECODE="1",
            TZ="UTC",
        )
        return env


def run_checked(argv: list[str], env: dict[str, str], what: str, log: Path) -> None:
    with open(log, "ab") as out:
        done = subprocess.run(argv, env=env, cwd=str(ROOT), stdout=out, stderr=subprocess.STDOUT)
    if done.returncode:
        raise SystemExit(f"{what} failed (exit {done.returncode}); see {log}")


def venv(system: str) -> Path:
    """Return the python of `system`'s own virtual environment, installing it if needed."""
    folder = CACHE / system
    python = folder / "bin" / "python"
    pins = "\n".join(PINS[system]) + "\n"
    marker = folder / "pins.txt"
    if python.exists() and marker.exists() and marker.read_text() == pins:
        return python
    print(f"  installing {system} into {folder}: {' '.join(PINS[system])}", flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    run_checked([*pip, *PINS[system]], dict(os.environ), f"{system}: pip", folder / "pip.log")
    marker.write_text(pins)
    return python


class System:
    name = ""
    title = ""

    def prepare(self, ctx: Context) -> None:
        """Install and migrate once, before the rounds."""

    @contextmanager
    def running(
        self, ctx: Context, workload: Workload, key: str, due: float, logs: Path
    ) -> Iterator[list[subprocess.Popen[bytes]]]:
        """Create the workload's schedules, start the processes; stop them when the block ends."""
        raise NotImplementedError
        yield []


class ThxCron(System):
    """thx-cron from this checkout, run as the project runs it: `thx-cron worker`."""

    def __init__(self, postgres: bool) -> None:
        self.postgres = postgres
        self.name = "thx-pg" if postgres else "thx-sqlite"
        self.title = "thx-cron PG + Redis" if postgres else "thx-cron SQLite"

    def env(self, ctx: Context, data_dir: Path, database: str | None) -> dict[str, str]:
        env = ctx.base_env()
        env.update(
            DJANGO_SETTINGS_MODULE="thx_cron.standalone.settings",
            THX_CRON_DATA_DIR=str(data_dir),
            THX_CRON_ACTION_MODULES="peers_site.thx_actions",
            THX_CRON_WORKERS="2",
            THX_CRON_QUEUE=f"peers-{uuid.uuid4().hex[:8]}",
            LOG_LEVEL="WARNING",
        )
        if database:
            env["DATABASE_URL"] = database
            env["THX_CRON_REDIS_URL"] = ctx.redis_url(1)
        return env

    def prepare(self, ctx: Context) -> None:
        self.base_dir = ctx.scratch / f"{self.name}-base"
        database = None
        if self.postgres:
            self.template = "bench_peers_thx_base"
            database = ctx.create_database(self.template)
        argv = [sys.executable, "-m", "thx_cron", "migrate", "--verbosity", "0"]
        env = self.env(ctx, self.base_dir, database)
        run_checked(argv, env, f"{self.title}: migrate", ctx.scratch / f"{self.name}-migrate.log")

    @contextmanager
    def running(
        self, ctx: Context, workload: Workload, key: str, due: float, logs: Path
    ) -> Iterator[list[subprocess.Popen[bytes]]]:
        data_dir = logs / "data"
        shutil.copytree(self.base_dir, data_dir)  # SQLite: a fresh copy of the migrated file
        name = f"bench_peers_thx_{key.rsplit(':', 1)[-1]}"
        database = ctx.create_database(name, self.template) if self.postgres else None
        try:
            env = self.env(ctx, data_dir, database)
            if self.postgres:
                _flush(ctx.redis_url(1))
            control = [sys.executable, "-m", "peers_site.control", "thx", workload.name, key]
            run_checked(
                [*control, str(workload.jobs), str(due)], env, "thx-cron setup", logs / "setup.log"
            )
            with process("worker", log=logs / "worker.log", env=env) as worker:
                yield [worker]
        finally:
            if database:
                ctx.drop_database(name)


class DjangoPeer(System):
    """A peer that is a Django project (peers_site): its own venv, a migrated template database
    copied for every run, and a Redis database of its own as broker."""

    system = ""  # PEERS_SYSTEM, and peers_site.control's name for it
    broker_db = 0

    def env(self, ctx: Context, database: str) -> dict[str, str]:
        env = ctx.base_env()
        env.update(
            DJANGO_SETTINGS_MODULE="peers_site.django_settings",
            PEERS_SYSTEM=self.system,
            PEERS_DATABASE_URL=database,
            PEERS_BROKER_URL=ctx.redis_url(self.broker_db),
        )
        return env

    def prepare(self, ctx: Context) -> None:
        self.python = str(venv(self.name))
        self.template = f"bench_peers_{self.system}_base"
        env = self.env(ctx, ctx.create_database(self.template))
        argv = [self.python, "-m", "django", "migrate", "--verbosity", "0"]
        run_checked(argv, env, f"{self.title}: migrate", ctx.scratch / f"{self.name}-migrate.log")

    @contextmanager
    def database(
        self, ctx: Context, workload: Workload, key: str, due: float, logs: Path
    ) -> Iterator[dict[str, str]]:
        """A fresh copy of the template, the broker flushed and the workload's jobs set up."""
        name = f"bench_peers_{self.system}_{key.rsplit(':', 1)[-1]}"
        env = self.env(ctx, ctx.create_database(name, self.template))
        try:
            _flush(ctx.redis_url(self.broker_db))
            control = [self.python, "-m", "peers_site.control", self.system, workload.name, key]
            run_checked(
                [*control, str(workload.jobs), str(due)],
                env,
                f"{self.title}: setup",
                logs / "setup.log",
            )
            yield env
        finally:
            ctx.drop_database(name)


class DjangoQ2(DjangoPeer):
    name = "django-q2"
    title = "django-q2 Schedules"
    system = "q2"
    broker_db = 2

    def env(self, ctx: Context, database: str) -> dict[str, str]:
        env = super().env(ctx, database)
        env["PEERS_QUEUE"] = f"peers-{uuid.uuid4().hex[:8]}"
        return env

    @contextmanager
    def running(
        self, ctx: Context, workload: Workload, key: str, due: float, logs: Path
    ) -> Iterator[list[subprocess.Popen[bytes]]]:
        with self.database(ctx, workload, key, due, logs) as env:
            argv = [self.python, "-m", "django", "qcluster"]
            with command(argv, log=logs / "qcluster.log", env=env) as cluster:
                yield [cluster]


class CeleryBeat(DjangoPeer):
    name = "celery"
    title = "Celery beat + results"
    system = "celery"
    broker_db = 3

    @contextmanager
    def running(
        self, ctx: Context, workload: Workload, key: str, due: float, logs: Path
    ) -> Iterator[list[subprocess.Popen[bytes]]]:
        with self.database(ctx, workload, key, due, logs) as env:
            celery = [self.python, "-m", "celery", "-A", "peers_site.celery_app"]
            worker = [*celery, "worker", "--pool", "prefork", "--concurrency", "2"]
            worker += ["--loglevel", "WARNING", "--without-mingle", "--without-gossip"]
            beat = [*celery, "beat", "--loglevel", "WARNING", "--pidfile", ""]
            beat += ["--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"]
            with ExitStack() as stack:
                procs = [
                    stack.enter_context(command(worker, log=logs / "worker.log", env=env)),
                    stack.enter_context(command(beat, log=logs / "beat.log", env=env)),
                ]
                yield procs


class APScheduler(System):
    def __init__(self, executor: str) -> None:
        self.executor = executor
        self.name = f"apscheduler-{executor}"
        self.title = f"APScheduler 3 {executor}"

    def prepare(self, ctx: Context) -> None:
        self.python = str(venv("apscheduler"))

    @contextmanager
    def running(
        self, ctx: Context, workload: Workload, key: str, due: float, logs: Path
    ) -> Iterator[list[subprocess.Popen[bytes]]]:
        argv = [self.python, "-m", "peers_site.aps_run", self.executor, workload.name, key]
        argv += [str(workload.jobs), str(due)]
        with command(argv, log=logs / "scheduler.log", env=ctx.base_env()) as scheduler:
            yield [scheduler]


SYSTEMS = {
    system.name: system
    for system in (
        ThxCron(postgres=False),
        ThxCron(postgres=True),
        DjangoQ2(),
        CeleryBeat(),
        APScheduler("threads"),
        APScheduler("processes"),
    )
}


def _flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def read_records(ctx: Context, key: str) -> list[tuple[int, float]]:
    import redis

    client = redis.Redis.from_url(ctx.redis_url())
    rows = []
    for item in client.lrange(key, 0, -1):
        job, _, started = item.decode().partition(" ")
        rows.append((int(job), float(started)))
    return rows


def occurrences(workload: Workload, due: float) -> list[float]:
    if workload.name == "burst":
        return [due]
    return [due + PERIOD * k for k in range(round(workload.duration / PERIOD))]


def score(workload: Workload, due: float, rows: list[tuple[int, float]], result: Result) -> None:
    """Give every start to the last occurrence due at or before it; count what ran, twice, not."""
    period = 60.0 if workload.name == "burst" else PERIOD
    count = len(occurrences(workload, due))
    first: dict[tuple[int, int], float] = {}
    seen: Counter[tuple[int, int]] = Counter()
    for job, started in rows:
        index = int((started - due) // period)
        if index >= count:
            continue  # the jobs go on after the measured occurrences
        if index < 0 or not 0 <= job < workload.jobs:
            result.outside += 1
            continue
        seen[job, index] += 1
        first[job, index] = min(first.get((job, index), started), started)
    lateness = [started - (due + period * index) for (_, index), started in first.items()]
    result.lateness += lateness
    if lateness:
        result.round_p50.append(statistics.median(lateness))
    result.expected += workload.jobs * count
    result.ran += len(seen)
    result.missing += workload.jobs * count - len(seen)
    result.doubled += sum(n - 1 for n in seen.values())


def next_due(workload: Workload) -> float:
    now = time.time()
    if workload.name == "burst":
        due = (now // 60 + 1) * 60
        if due - now < BURST_LEAD:
            # Too close to set up: let it pass, or a system would run its jobs at it already.
            time.sleep(due - now + 0.5)
            due += 60
        return due
    return (int(now + PERIODIC_LEAD) // 2 + 1) * 2.0


def run_one(
    ctx: Context, system: System, workload: Workload, round_no: int, result: Result
) -> None:
    tag = f"{system.name.replace('-', '_')}_{workload.name}_{round_no}"
    key = f"peers:{os.getpid()}:{tag}"
    logs = ctx.scratch / tag
    logs.mkdir()
    due = next_due(workload)
    expected = len(occurrences(workload, due)) * workload.jobs
    with system.running(ctx, workload, key, due, logs) as procs:
        if workload.name == "burst":
            # Until every job has started once (then 2 s more, for doubles), or the wait is over.
            def started() -> bool:
                rows = read_records(ctx, key)
                return sum(due <= started < due + 60 for _, started in rows) >= expected

            remaining = due + workload.duration - time.time()
            if wait_until(started, timeout=remaining, interval=0.25):
                time.sleep(2)
        else:
            # Starts after the last occurrence's period belong to occurrences not measured.
            time.sleep(max(0.0, due + workload.duration + 1.0 - time.time()))
        for proc in procs:
            if proc.poll() is not None:
                result.problems.append(f"round {round_no}: a process exited early; see {logs}")
    rows = read_records(ctx, key)
    import redis

    redis.Redis.from_url(ctx.redis_url()).delete(key)
    before = len(result.lateness)
    score(workload, due, rows, result)
    mine = result.lateness[before:]
    p50 = statistics.median(mine) if mine else float("nan")
    print(
        f"    {system.title:<24} {len(rows):5} starts, p50 {fmt(p50)} s, "
        f"max {fmt(max(mine, default=float('nan')))} s",
        flush=True,
    )


def fmt(seconds: float) -> str:
    return "-" if seconds != seconds else f"{seconds:.3f}"


def table(workload: Workload, results: dict[str, Result], rounds: int) -> str:
    lines = [
        f"### {workload.title} ({rounds} round{'s' if rounds > 1 else ''}, pooled)",
        "",
        "| system | p50 s | p99 s | max s | p50 per round s | runs | missing | doubled "
        "| p50 / p99 vs thx-cron SQLite | p50 / p99 vs thx-cron PG |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]

    def stats(result: Result) -> tuple[float, float, float]:
        if not result.lateness:
            return (float("nan"),) * 3  # type: ignore[return-value]
        values = result.lateness
        return statistics.median(values), percentile(values, 99), max(values)

    bases = {name: stats(results[name]) for name in ("thx-sqlite", "thx-pg") if name in results}
    for name, result in results.items():
        p50, p99, top = stats(result)
        per_round = "-"
        if result.round_p50:
            per_round = f"{fmt(min(result.round_p50))}-{fmt(max(result.round_p50))}"
        ratios = []
        for base in ("thx-sqlite", "thx-pg"):
            if base in bases and bases[base][0] > 0 and p50 == p50:
                ratios.append(f"{p50 / bases[base][0]:.2f}x / {p99 / bases[base][1]:.2f}x")
            else:
                ratios.append("-")
        lines.append(
            f"| {SYSTEMS[name].title} | {fmt(p50)} | {fmt(p99)} | {fmt(top)} | {per_round} "
            f"| {result.ran} of {result.expected} | {result.missing} | {result.doubled} "
            f"| {ratios[0]} | {ratios[1]} |"
        )
    notes = [
        f"- {SYSTEMS[name].title}: {result.outside} starts before the first occurrence"
        for name, result in results.items()
        if result.outside
    ]
    notes += [f"- {SYSTEMS[name].title}: {p}" for name, r in results.items() for p in r.problems]
    return "\n".join(lines + ([""] + notes if notes else []))


def machine() -> str:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    return (
        f"{platform.node()}: {os.cpu_count()} CPUs ({cpu}), Linux {platform.release()}, "
        f"Python {platform.python_version()}; load average at the end {load}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("THX_CRON_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1/test"),
        help="a PostgreSQL server on which bench_peers_* databases are created and dropped",
    )
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/4",
        help="database N: the records; N+1, N+2, N+3: the brokers (flushed) (default %(default)s)",
    )
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--quick", action="store_true", help="1 round of smaller workloads")
    options = parser.parse_args()
    names = [name.strip() for name in options.systems.split(",") if name.strip()]
    unknown = [name for name in names if name not in SYSTEMS]
    if unknown:
        parser.error(f"--systems: unknown {', '.join(unknown)} (known: {', '.join(SYSTEMS)})")
    rounds = options.rounds or (1 if options.quick else 3)
    if options.quick:
        workloads = [Workload("burst", 50, 55.0), Workload("every2s", 20, 20.0)]
    else:
        workloads = [Workload("burst", 200, 55.0), Workload("every2s", 100, 60.0)]

    def interrupted(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt  # the same clean-up as Ctrl-C: stop every process group

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # also when started in background
    scratch = Path(tempfile.mkdtemp(prefix="thx-cron-peers-"))
    ctx = Context(options.database_url, options.redis_url, scratch)
    results = {w.name: {name: Result() for name in names} for w in workloads}
    started = time.monotonic()
    try:
        print(f"peers: {', '.join(names)}; {rounds} round(s); logs in {scratch}", flush=True)
        for name in names:
            SYSTEMS[name].prepare(ctx)
        for round_no in range(rounds):
            order = names[round_no % len(names) :] + names[: round_no % len(names)]
            for workload in workloads:
                print(f"  round {round_no + 1}: {workload.title}", flush=True)
                for name in order:
                    result = results[workload.name][name]
                    try:
                        run_one(ctx, SYSTEMS[name], workload, round_no, result)
                    except Exception as exc:  # noqa: BLE001  (one run lost, not the others)
                        # Say so, and count nothing of that run (a server restarted, ...).
                        result.problems.append(f"round {round_no + 1} failed: {exc!r}")
                        print(f"    {SYSTEMS[name].title:<24} FAILED: {exc!r}", flush=True)
    except KeyboardInterrupt:
        raise SystemExit("peers: interrupted; every process stopped") from None
    finally:
        for name in list(ctx.databases):
            with contextlib.suppress(Exception):
                ctx.drop_database(name)
    print()
    print(f"peers.py, {time.monotonic() - started:.0f} s; {machine()}")
    for workload in workloads:
        print()
        print(table(workload, results[workload.name], rounds))


if __name__ == "__main__":
    main()
