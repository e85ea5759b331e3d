"""The `thx_cron.run_program` action: run an allowed executable, without a shell.

Its stdout and stderr go into the run's output as they arrive; a non-zero exit fails the run
with the tail of stderr. The program runs in its own process group, so that a timeout, a cancel
or the end of the program itself stops everything it started (SIGTERM, then SIGKILL).
"""

from __future__ import annotations

import codecs
import os
import selectors
import signal
import subprocess
import sys
import time
from collections import deque
from fnmatch import fnmatchcase
from typing import Any

from thx_cron.actions.registry import ActionError
from thx_cron.conf import thx_settings
from thx_cron.runner.interrupt import RunTimedOut

# Characters that only mean something to a shell: here they would be part of the file name.
SHELL_METACHARACTERS = frozenset(";&|<>`$(){}[]*?!~'\"\\\n\t ")
# The environment a program starts with, as cron gives (the worker's own, with its database URL
# and secret key, is never passed on), plus the job's `env`.
INHERITED_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "LOGNAME", "USER", "TZ")
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
STDERR_TAIL = 2000
# Once the program has exited, what it left running gets this long to close the pipes.
LINGER_SECONDS = 1.0


class ProgramFailed(RuntimeError):
    """The program exited with a non-zero code; `result` holds it."""

    def __init__(self, message: str, result: dict[str, Any]) -> None:
        super().__init__(message)
        self.result = result


def allowed(program: str, patterns: list[str]) -> bool:
    """Tell whether the absolute `program` matches one of `patterns` (`*` stays in a folder)."""
    parts = os.path.normpath(program).split("/")
    for pattern in patterns:
        pattern_parts = os.path.normpath(pattern).split("/")
        if len(pattern_parts) == len(parts) and all(
            fnmatchcase(part, wanted) for part, wanted in zip(parts, pattern_parts, strict=True)
        ):
            return True
    return False


def check_program(*args: Any, **kwargs: Any) -> None:
    """Refuse a program outside THX_CRON_ALLOWED_PROGRAMS and arguments of the wrong shape."""
    program = args[0] if args else kwargs.get("program")
    where = "args" if args else "kwargs"
    if not isinstance(program, str) or not program:
        raise ActionError(where, "program must be the absolute path of an executable.")
    bad = sorted(SHELL_METACHARACTERS.intersection(program))
    if bad:
        raise ActionError(
            where,
            f"program {program!r} contains {''.join(bad)!r}: programs run without a shell, so "
            "give the path alone and the arguments in `args`.",
        )
    if not os.path.isabs(program):
        raise ActionError(where, f"program {program!r} is a relative path; give an absolute one.")
    if not allowed(program, thx_settings.ALLOWED_PROGRAMS):
        raise ActionError(where, f"program {program!r} is not in THX_CRON_ALLOWED_PROGRAMS.")
    values = dict(zip(("program", "args", "env", "cwd", "timeout"), args, strict=False))
    values.update(kwargs)
    arguments = values.get("args") or []
    if not isinstance(arguments, list) or not all(isinstance(a, str) for a in arguments):
        raise ActionError(where, "args must be a list of strings.")
    env = values.get("env") or {}
    if not isinstance(env, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in env.items()
    ):
        raise ActionError(where, "env must map names to strings.")
    cwd = values.get("cwd")
    if cwd is not None and (not isinstance(cwd, str) or not os.path.isabs(cwd)):
        raise ActionError(where, "cwd must be an absolute path.")
    timeout = values.get("timeout")
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0
    ):
        raise ActionError(where, "timeout must be a number of seconds > 0.")


def run_program(
    program: str,
    args: list[str] | None = None,
    env: dict[str, str] | None = None,
    cwd: str | None = None,
    timeout: float | None = None,
) -> dict[str, Any]:
    """Run an allowed program without a shell; fail the run when it exits non-zero."""
    arguments = list(args or [])
    check_program(program, arguments, env or {}, cwd, timeout)  # the allowlist may have changed
    environment = {name: os.environ[name] for name in INHERITED_ENV if name in os.environ}
    environment.setdefault("PATH", DEFAULT_PATH)
    environment.update(env or {})
    started = time.monotonic()
    proc = subprocess.Popen(
        [program, *arguments],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
        cwd=cwd,
        start_new_session=True,
    )
    # A cancelled run stops renewing its lease: the program must be gone well before it ends.
    grace = min(thx_settings.PROGRAM_KILL_GRACE, thx_settings.LEASE_SECONDS / 4)
    try:
        stderr_tail = _relay(proc, timeout)
    except BaseException:
        # A timeout, a cancel (RunInterrupted) or anything else: nothing it started lives on.
        stop_group(proc, grace)
        raise
    code = proc.wait()
    stop_group(proc, 0)  # what it left behind in its group
    result = {"exit_code": code, "seconds": round(time.monotonic() - started, 3)}
    if code != 0:
        tail = stderr_tail.strip() or "(nothing on stderr)"
        raise ProgramFailed(f"{program} exited with code {code}: {tail}", result)
    return result


def _relay(proc: subprocess.Popen[bytes], timeout: float | None) -> str:
    """Copy the program's stdout and stderr to ours as they arrive; return stderr's tail."""
    deadline = None if timeout is None else time.monotonic() + timeout
    assert proc.stdout is not None and proc.stderr is not None
    selector = selectors.DefaultSelector()
    decoders = {}
    for stream in (proc.stdout, proc.stderr):
        os.set_blocking(stream.fileno(), False)
        selector.register(stream, selectors.EVENT_READ)
        decoders[stream.fileno()] = codecs.getincrementaldecoder("utf-8")(errors="replace")
    tail: deque[str] = deque()
    tail_size = 0
    exited_at: float | None = None
    try:
        while selector.get_map():
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                raise RunTimedOut(f"The program exceeded its timeout of {timeout:g} s.")
            if exited_at is None and proc.poll() is not None:
                exited_at = now
            if exited_at is not None and now - exited_at > LINGER_SECONDS:
                break  # it exited, and something it started still holds the pipes
            wait = 0.2 if deadline is None else max(0.0, min(0.2, deadline - now))
            for key, _ in selector.select(wait):
                fd = key.fileobj.fileno()  # type: ignore[union-attr]
                chunk = os.read(fd, 65536)
                if not chunk:
                    selector.unregister(key.fileobj)
                    text = decoders[fd].decode(b"", final=True)
                else:
                    text = decoders[fd].decode(chunk)
                if not text:
                    continue
                sys.stdout.write(text)
                if key.fileobj is proc.stderr:
                    tail.append(text)
                    tail_size += len(text)
                    while tail_size - len(tail[0]) >= STDERR_TAIL:
                        tail_size -= len(tail.popleft())
    finally:
        selector.close()
        proc.stdout.close()
        proc.stderr.close()
    return "".join(tail)[-STDERR_TAIL:]


def stop_group(proc: subprocess.Popen[bytes], grace: float) -> None:
    """End the program's process group: SIGTERM, `grace` seconds, then SIGKILL."""
    try:
        if grace > 0 and proc.poll() is None:
            _signal_group(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
    finally:
        _signal_group(proc.pid, signal.SIGKILL)
        proc.wait()


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass
