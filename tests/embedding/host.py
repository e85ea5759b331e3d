"""A brand-new host project, made with `startproject` and `startapp` in a temporary directory,
with thx-cron installed from a wheel built from this checkout, configured with the snippets of
the embedding guide, docs/embedding.md (read from that file, so that the two cannot drift apart)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def readme_snippet(name: str) -> str:
    """The code block marked `<!-- embedding: NAME -->` in docs/embedding.md."""
    text = (ROOT / "docs" / "embedding.md").read_text()
    found = re.search(rf"<!-- embedding: {re.escape(name)} -->\n```python\n(.*?)```", text, re.S)
    assert found, f"docs/embedding.md has no snippet marked 'embedding: {name}'"
    return found.group(1)


def build_environment(tmp: Path) -> Path:
    """A venv with thx-cron installed from a wheel of this checkout (no dependencies: those of
    the running test environment are made visible to it); return its python."""
    wheels = tmp / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        check=True,
    )
    wheel = next(wheels.glob("thx_cron-*.whl"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # The test environment's packages, after the venv's own: a path line in a .pth file does not
    # run that directory's .pth files, so this checkout's editable install stays invisible.
    ours = next(p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir())
    Path(site, "test-dependencies.pth").write_text(ours + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            str(wheel),
        ],
        check=True,
    )
    return python


USER_MODEL = '''
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models


class UserManager(BaseUserManager):
    def create_user(self, email, password=None, **extra):
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        return self.create_user(email, password, is_staff=True, is_superuser=True, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Signs in with an email address; there is no username column."""

    email = models.EmailField(unique=True)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    USERNAME_FIELD = "email"
    objects = UserManager()
'''

# The host's own app called `notifications`, with a model, a django-q2 task and a job action.
NOTIFICATIONS_MODELS = """
from django.db import models


class Notice(models.Model):
    text = models.CharField(max_length=200)
"""
NOTIFICATIONS_TASKS = '''
def add(a, b):
    """The host's own django-q2 task."""
    return a + b
'''
NOTIFICATIONS_ACTIONS = '''
import thx_cron

from notifications.models import Notice


@thx_cron.action("mysite.notice")
def notice(text):
    """Record a Notice: the host's own `notifications` app, run as a thx-cron job."""
    Notice.objects.create(text=text)
    return text
'''


class Host:
    """A project made by `startproject mysite` plus its own `accounts` and `notifications`."""

    def __init__(self, python: Path, directory: Path, *, custom_user: bool = True) -> None:
        self.python = python
        self.dir = directory
        self.manage_py = directory / "manage.py"
        self.settings = directory / "mysite" / "settings.py"
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(directory),
            "LANG": "C.UTF-8",
        }
        directory.mkdir(parents=True)
        self._run("-m", "django", "startproject", "mysite", str(directory))
        apps = ["notifications"]
        self.manage("startapp", "notifications", cwd=directory)
        (directory / "notifications" / "models.py").write_text(NOTIFICATIONS_MODELS)
        (directory / "notifications" / "tasks.py").write_text(NOTIFICATIONS_TASKS)
        (directory / "notifications" / "cron_actions.py").write_text(NOTIFICATIONS_ACTIONS)
        if custom_user:
            self.manage("startapp", "accounts", cwd=directory)
            (directory / "accounts" / "models.py").write_text(USER_MODEL)
            apps.append("accounts")
        self.original_settings = self.settings.read_text()
        self.host_lines = f"\nINSTALLED_APPS += {apps!r}\n"
        if custom_user:
            self.host_lines += 'AUTH_USER_MODEL = "accounts.User"\n'

    def configure(self, *parts: str) -> None:
        """Write settings.py: startproject's, the host's own apps, then `parts`."""
        body = self.original_settings + self.host_lines
        for part in parts:
            body += "\n" + textwrap.dedent(part)
        self.settings.write_text(body)

    def _run(
        self,
        *args: str,
        cwd: Path | str = "/",
        timeout: float = 180,
        check: bool = True,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(self.python), *args],
            cwd=str(cwd),
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and done.returncode:
            raise AssertionError(
                f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
            )
        return done

    def manage(self, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
        """`python /path/to/manage.py ARGS`, run from / (as systemd does) unless told."""
        return self._run(str(self.manage_py), *args, **kwargs)  # type: ignore[arg-type]

    def shell(self, code: str) -> str:
        # -v 0: Django 5.2's shell otherwise reports the objects it imported automatically.
        return self.manage("shell", "-v", "0", "-c", textwrap.dedent(code)).stdout.strip()

    @contextmanager
    def process(
        self, *args: str, log: Path, env: dict[str, str] | None = None, cwd: Path | str = "/"
    ) -> Iterator[subprocess.Popen[bytes]]:
        """A long-running `manage.py ARGS` in its own process group, stopped on exit."""
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [str(self.python), str(self.manage_py), *args],
                cwd=str(cwd),
                env={**self.env, **(env or {})},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                yield proc
            finally:
                stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=40)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)


def wait_for(predicate, timeout: float, what: str, log: Path | None = None):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise AssertionError(f"{what}: not within {timeout} s\n{tail}")
        time.sleep(0.5)
