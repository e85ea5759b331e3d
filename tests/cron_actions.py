"""Actions registered for the test suite (imported by autodiscovery of `cron_actions`)."""

from __future__ import annotations

import logging
import os
import time

import thx_cron

logger = logging.getLogger("tests.actions")


@thx_cron.action("tests.noop")
def noop() -> None:
    """Do nothing."""


@thx_cron.action("tests.add")
def add(a: int, b: int = 0) -> int:
    """Return a + b."""
    return a + b


@thx_cron.action("tests.chatty")
def chatty(lines: int = 3) -> str:
    """Print and log some lines."""
    for i in range(lines):
        print(f"line {i}")
    logger.info("logged info")
    logger.warning("logged warning")
    return "done"


@thx_cron.action("tests.busy_loop")
def busy_loop(seconds: float) -> None:
    """Spin the CPU (no sleeping) for `seconds`."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


@thx_cron.action("tests.swallow_everything")
def swallow_everything(seconds: float) -> str:
    """Sleep while catching every Exception, to show timeouts still stop it."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            time.sleep(0.05)
        except Exception:  # noqa: BLE001
            pass
    return "finished"


@thx_cron.action("tests.kill_self")
def kill_self() -> None:
    """Kill the worker process running this action, as the OOM killer would."""
    os.kill(os.getpid(), 9)


@thx_cron.action("tests.flaky")
def flaky(marker: str, failures: int) -> int:
    """Fail `failures` times (counted in a file at `marker`), then succeed."""
    count = int(open(marker).read()) if os.path.exists(marker) else 0
    with open(marker, "w") as handle:
        handle.write(str(count + 1))
    if count < failures:
        raise RuntimeError(f"attempt {count + 1} fails")
    return count + 1


@thx_cron.action("tests.base_url")
def base_url() -> str:
    """Return the base URL that links in notifications use."""
    from thx_cron.conf import thx_settings

    return str(thx_settings.BASE_URL)


@thx_cron.action("tests.print_until")
def print_until(path: str, seconds: float = 60) -> str:
    """Print a line, wait until the file `path` exists (at most `seconds`), print another."""
    print("first line", flush=True)
    end = time.monotonic() + seconds
    while not os.path.exists(path) and time.monotonic() < end:
        time.sleep(0.05)
    print("second line", flush=True)
    return "released"
