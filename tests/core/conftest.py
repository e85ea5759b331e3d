from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from thx_cron.registry import registry


@pytest.fixture
def temporary_action() -> Iterator[Any]:
    """Register actions for one test only; `temporary_action(name, func)`."""
    names: list[str] = []

    def register(name: str, func: Any) -> None:
        registry.register(name, func)
        names.append(name)

    yield register
    for name in names:
        registry.unregister(name)
