"""One instance per process of an object that must not cross a fork: a thread, a connection."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class PerProcess(Generic[T]):
    """Build the object on first use, and again in a forked child.

    A forked django-q2 worker inherits the parent's object but not its thread, and must not share
    its parent's sockets, so it makes its own.
    """

    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._lock = threading.Lock()
        self._instance: T | None = None
        self._pid = 0

    def get(self) -> T:
        with self._lock:
            if self._instance is None or self._pid != os.getpid():
                self._instance = self._factory()
                self._pid = os.getpid()
            return self._instance
