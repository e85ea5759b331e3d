"""The no-op job every system runs: it records its start and does nothing else.

`record(key, job)` takes `time.time()` first, then appends "JOB START" to the Redis list `key`
at PEERS_RECORD_URL (one connection per process, opened by the first run in that process).
The due time is not passed in: the harness knows each job's schedule, and attributes every
start to the occurrence it belongs to, the same way for every system.
"""

from __future__ import annotations

import os
import time
from typing import Any

import redis

_client: Any = None
_pid = 0


def record(key: str, job: int) -> None:
    started = time.time()
    global _client, _pid
    if _client is None or _pid != os.getpid():
        _client = redis.Redis.from_url(os.environ["PEERS_RECORD_URL"])
        _pid = os.getpid()
    _client.rpush(key, f"{job} {started:.6f}")
