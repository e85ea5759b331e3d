"""Stop a running action from outside: at its deadline, or when the run is cancelled.

The action runs in the worker's main thread; a SIGALRM raises an exception inside it. The
exceptions derive from BaseException so that an action's `except Exception` cannot swallow them.
django-q2 also arms SIGALRM for its own task timeout, so the previous handler and timer are
restored on exit.
"""

from __future__ import annotations

import signal
import threading
import time
from types import FrameType, TracebackType


class RunInterrupted(BaseException):
    """The run was stopped from outside."""


class RunTimedOut(RunInterrupted):
    pass


class RunCancelled(RunInterrupted):
    pass


class Interrupter:
    """Arm a deadline for the block; `cancel()` from any thread interrupts it early."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.reason: type[RunInterrupted] = RunTimedOut
        self._armed = threading.current_thread() is threading.main_thread()
        self._main_ident = threading.main_thread().ident
        self._previous_handler: object = None
        self._previous_timer: tuple[float, float] = (0.0, 0.0)
        self._entered = 0.0

    @property
    def armed(self) -> bool:
        return self._armed

    def __enter__(self) -> Interrupter:
        if self._armed:
            self._entered = time.monotonic()
            self._previous_handler = signal.signal(signal.SIGALRM, self._on_alarm)
            self._previous_timer = signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._armed:
            return
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self._previous_handler)  # type: ignore[arg-type]
        remaining = self._previous_timer[0] - (time.monotonic() - self._entered)
        if self._previous_timer[0] > 0:
            signal.setitimer(signal.ITIMER_REAL, max(remaining, 0.001))

    def cancel(self) -> None:
        """Interrupt the block with RunCancelled (callable from another thread)."""
        self.reason = RunCancelled
        if self._armed and self._main_ident is not None:
            signal.pthread_kill(self._main_ident, signal.SIGALRM)

    def _on_alarm(self, signum: int, frame: FrameType | None) -> None:
        if self.reason is RunCancelled:
            raise RunCancelled("The run was cancelled.")
        raise RunTimedOut(f"The run exceeded its timeout of {self.seconds:g} s.")
