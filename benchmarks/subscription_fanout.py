"""Benchmark: 200 WebSocket subscribers on a real `thx-cron web`; runs finish in a real worker.

Prints p50 / p99 of the delay from an event's commit (its occurredAt, set in the worker just
before the commit) to its delivery to each subscriber. Embedded default: SQLite, no Redis.

    .venv/bin/python benchmarks/subscription_fanout.py [--subscribers 200] [--runs 5]
        [--redis-url redis://127.0.0.1:6379/0]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import websockets

ROOT = Path(__file__).resolve().parent.parent
SUBSCRIBE = """subscription($job: ID) { jobLogEvents(jobId: $job) { id kind occurredAt } }"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def thx(args: list[str], env: dict[str, str], **kwargs: Any) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "thx_cron", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        **kwargs,
    )


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "thx_cron", *args],
        env=env,
        cwd=ROOT,
        stdout=open(log, "wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def post(port: int, token: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    answer = httpx.post(
        f"http://127.0.0.1:{port}/graphql",
        timeout=30,
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert not answer.get("errors"), answer
    return answer["data"]


async def subscriber(
    port: int,
    token: str,
    job_id: str,
    runs: int,
    ready: asyncio.Event,
    counter: list[int],
    total: int,
    delays: list[float],
) -> None:
    async with websockets.connect(
        f"ws://127.0.0.1:{port}/graphql", subprotocols=["graphql-transport-ws"], open_timeout=60
    ) as ws:
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        )
        await ws.recv()
        await ws.send(
            json.dumps(
                {
                    "type": "subscribe",
                    "id": "1",
                    "payload": {"query": SUBSCRIBE, "variables": {"job": job_id}},
                }
            )
        )
        counter[0] += 1
        if counter[0] == total:
            ready.set()
        finished = 0
        while finished < runs:
            message = json.loads(await ws.recv())
            received = time.time()
            event = message["payload"]["data"]["jobLogEvents"]
            if event["kind"] == "SUCCEEDED":
                finished += 1
                occurred = datetime.fromisoformat(event["occurredAt"]).timestamp()
                delays.append(received - occurred)


async def measure(port: int, token: str, job_id: str, subscribers: int, runs: int) -> list[float]:
    ready, counter, delays = asyncio.Event(), [0], []
    tasks = [
        asyncio.create_task(
            subscriber(port, token, job_id, runs, ready, counter, subscribers, delays)
        )
        for _ in range(subscribers)
    ]
    await ready.wait()
    await asyncio.sleep(2)  # let the server register every subscription before the first run
    for _ in range(runs):
        before = len(delays)
        await asyncio.to_thread(
            post,
            port,
            token,
            "mutation($id: ID!) { runJobNow(id: $id) { __typename } }",
            {"id": job_id},
        )
        while len(delays) < before + subscribers:
            await asyncio.sleep(0.05)
    await asyncio.gather(*tasks)
    return delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--redis-url", default="")
    options = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="thx-cron-fanout-"))
    env = {
        **os.environ,
        "THX_CRON_DATA_DIR": str(data),
        "SECRET_KEY": "bench",
        "DJANGO_SETTINGS_MODULE": "thx_cron.standalone.settings",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SUPERUSER_PASSWORD": "bench-password",
    }
    env.pop("DATABASE_URL", None)
    if options.redis_url:
        env["THX_CRON_REDIS_URL"] = options.redis_url
    thx(["migrate", "--verbosity", "0"], env)
    thx(["createsuperuser", "--noinput", "--username", "bench", "--email", "b@example.com"], env)
    token = thx(["token", "create", "--user", "bench"], env).stdout.strip()
    port = free_port()
    processes = [
        start(["web", "--port", str(port)], env, data / "web.log"),
        start(["worker"], env, data / "worker.log"),
    ]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/graphql", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.2)
        job_id = post(
            port,
            token,
            """mutation { createJob(input: {name: "fanout",
            action: "demo.echo", args: ["x"], schedule: {cron: "0 0 1 1 *"}}) {
            ... on Job { id } } }""",
        )["createJob"]["id"]
        delays = asyncio.run(measure(port, token, job_id, options.subscribers, options.runs))
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
    delays.sort()
    p99 = delays[min(len(delays) - 1, int(len(delays) * 0.99))]
    layer = "Redis" if options.redis_url else "embedded (SQLite, in-memory layer, polling)"
    print(
        f"{options.subscribers} subscribers x {options.runs} runs, {layer}: "
        f"commit-to-delivery p50 {statistics.median(delays) * 1000:.0f} ms, "
        f"p99 {p99 * 1000:.0f} ms, max {delays[-1] * 1000:.0f} ms ({len(delays)} deliveries)"
    )


if __name__ == "__main__":
    main()
