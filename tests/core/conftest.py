from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from thx_cron.actions.registry import registry


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


@pytest.fixture
def decorated_jobs() -> Iterator[None]:
    """Forget the `@thx_cron.job` declarations and actions a test makes."""
    from thx_cron.declared import declarations

    before = declarations.decorated()
    names = {action.name for action in registry.all()}
    yield
    declarations.forget_decorated(before)
    for action in registry.all():
        if action.name not in names:
            registry.unregister(action.name)
