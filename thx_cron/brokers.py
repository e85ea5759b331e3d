"""django-q2 brokers, one per queue and process, for everything thx-cron enqueues.

django-q2 builds a broker, and with Redis a new connection, for every `async_task` that is not
handed one: in a burst that cost several milliseconds per task. A forked child makes its own, so
that no two processes share a socket.
"""

from __future__ import annotations

import threading
from typing import Any

from thx_cron.processes.per_process import PerProcess


class _Brokers:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_queue: dict[str | None, Any] = {}

    def get(self, queue: str | None) -> Any:
        with self._lock:
            if queue not in self._by_queue:
                from django_q.brokers import get_broker

                self._by_queue[queue] = get_broker(queue)
            return self._by_queue[queue]


_brokers = PerProcess(_Brokers)


def broker(queue: str | None = None) -> Any:
    """This process's django-q2 broker for `queue` (None: the default cluster's)."""
    return _brokers.get().get(queue)


def database() -> str:
    """The database django-q2's ORM broker writes its queue to (`Q_CLUSTER["orm"]`); with any
    other broker the default one, where a transaction around enqueues costs nothing."""
    from django.db import DEFAULT_DB_ALIAS
    from django_q.conf import Conf

    return Conf.ORM or DEFAULT_DB_ALIAS
