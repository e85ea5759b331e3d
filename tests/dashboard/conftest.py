"""A real `thx-cron web` and `thx-cron worker` on the test database, and Debian's Chromium driven
by Playwright. The browser tests skip with the reason where there is no Chromium or Playwright,
and fail instead under CI's THX_CRON_REQUIRE_SERVICES."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.processes import ROOT, free_port, process_env, sqlite_url, thx_process, wait_for

CHROMIUM = os.environ.get("THX_CRON_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(os.environ.get("THX_CRON_TEST_TMP", "/tmp")) / "screenshots"
_REQUIRED = bool(os.environ.get("THX_CRON_REQUIRE_SERVICES"))
# Users are made by the server's own settings, so that its password hashers can check them.
USERS = """
from django.contrib.auth import get_user_model
User = get_user_model()
User.objects.create_user("alice", password="alice-password")
User.objects.create_user("bob", password="bob-password")
User.objects.create_user("carol", password="carol-password", is_staff=True)
"""


def _browser_missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "needs Playwright (pip install playwright)"
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


# Per module: Playwright's sync API keeps an event loop in the main thread while it is open, which
# would break the async tests of later modules.
@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    missing = _browser_missing()
    if missing:
        if _REQUIRED:
            pytest.fail(f"THX_CRON_REQUIRE_SERVICES is set: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread, which Django takes for an async
    # context; the test's ORM calls stay synchronous (what Django's docs advise for Playwright).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@dataclass
class Server:
    base: str
    url: str  # the database URL the processes share
    port: int
    logs: Path
    web: Any = None  # the context manager of the running web process

    def page(self, chromium: Any, offline: bool = True) -> Any:
        """A new browser page in its own context; offline: every non-loopback request fails."""
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        if offline:
            context.route(
                lambda url: not url.startswith(self.base) and not url.startswith("ws://127.0.0.1"),
                lambda route: route.abort(),
            )
        return context.new_page()

    def start_web(self) -> None:
        self.web = thx_process(
            ["web", "--port", str(self.port)], self.url, self.logs / "web.log", **_SYNC_ONLY
        )
        self.web.__enter__()
        wait_for(lambda: _up(self.base), timeout=60, interval=0.2)

    def stop_web(self) -> None:
        if self.web is not None:
            self.web.__exit__(None, None, None)
            self.web = None


# The servers keep Django's check for ORM calls from async code.
_SYNC_ONLY = {"DJANGO_ALLOW_ASYNC_UNSAFE": ""}


def _up(base: str) -> bool:
    try:
        return httpx.get(f"{base}/", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def server(chromium: Any, tmp_path: Path, transactional_db: Any) -> Iterator[Server]:
    """`thx-cron web` and `thx-cron worker` on the test database, with alice, bob and carol."""
    url = sqlite_url()
    subprocess.run(
        [sys.executable, "-m", "thx_cron", "shell", "-c", USERS],
        env=process_env(url),
        cwd=str(ROOT),
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = free_port()
    running = Server(base=f"http://127.0.0.1:{port}", url=url, port=port, logs=tmp_path)
    with thx_process(["worker"], url, tmp_path / "worker.log", **_SYNC_ONLY):
        try:
            running.start_web()
            yield running
        finally:
            running.stop_web()


def log_in(page: Any, base: str, username: str) -> None:
    """Open the dashboard and log in through its form."""
    page.goto(f"{base}/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(f"{username}-password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
