"""Capture what an action prints and logs into a bounded buffer (head and tail are kept)."""

from __future__ import annotations

import contextlib
import io
import logging
import sys
import threading
from collections import deque
from collections.abc import Iterator
from typing import TextIO

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class BoundedBuffer(io.TextIOBase):
    """A text sink that keeps the first and the last `limit // 2` characters."""

    def __init__(self, limit: int, echo: TextIO | None = None) -> None:
        self._head_limit = limit // 2
        self._tail_limit = limit - self._head_limit
        self._head: list[str] = []
        self._head_size = 0
        self._tail: deque[str] = deque()
        self._tail_size = 0
        self._dropped = 0
        self._written = 0
        self._lock = threading.Lock()
        self._echo = echo

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            text = str(text)
        original = text
        with self._lock:
            self._written += len(text)
            room = self._head_limit - self._head_size
            if room > 0:
                self._head.append(text[:room])
                self._head_size += min(room, len(text))
                text = text[room:]
            if text:
                self._tail.append(text)
                self._tail_size += len(text)
                while self._tail_size > self._tail_limit:
                    first = self._tail[0]
                    excess = self._tail_size - self._tail_limit
                    if len(first) <= excess:
                        self._tail.popleft()
                        self._tail_size -= len(first)
                        self._dropped += len(first)
                    else:
                        self._tail[0] = first[excess:]
                        self._tail_size -= excess
                        self._dropped += excess
        if self._echo is not None:
            self._echo.write(original)
        return len(original)

    @property
    def written(self) -> int:
        return self._written

    def getvalue(self) -> str:
        with self._lock:
            head = "".join(self._head)
            tail = "".join(self._tail)
            if self._dropped:
                return f"{head}\n… [{self._dropped} characters omitted] …\n{tail}"
            return head + tail


class _BufferHandler(logging.Handler):
    def __init__(self, buffer: BoundedBuffer) -> None:
        super().__init__(logging.INFO)
        self.buffer = buffer
        self.setFormatter(logging.Formatter(LOG_FORMAT))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.buffer.write(self.format(record) + "\n")
        except Exception:  # a broken log record must not break the run
            self.handleError(record)


@contextlib.contextmanager
def capture(limit: int, echo: TextIO | None = None) -> Iterator[BoundedBuffer]:
    """Send stdout, stderr and logging (INFO and up) to a bounded buffer while inside."""
    buffer = BoundedBuffer(limit, echo)
    handler = _BufferHandler(buffer)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    # Setting a level clears every logger's cache: only when it changes, and back after.
    lowered = old_level > logging.INFO or old_level == logging.NOTSET
    if lowered:
        root.setLevel(logging.INFO)
    old_out, old_err = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = buffer  # type: ignore[assignment]
    try:
        yield buffer
    finally:
        sys.stdout, sys.stderr = old_out, old_err
        root.removeHandler(handler)
        if lowered:
            root.setLevel(old_level)
