from __future__ import annotations

from pathlib import Path

import pytest

from tests.embedding.host import build_environment


@pytest.fixture(scope="session")
def host_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with thx-cron installed from a wheel of this checkout, built once per session."""
    return build_environment(tmp_path_factory.mktemp("host-env"))
