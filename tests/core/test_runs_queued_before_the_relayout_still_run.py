"""A task queued under an old module path (django-q2 stores the path) still resolves,
the way django-q2's worker resolves it; new runs are queued under the new path."""

# thx-cron relayout: old path kept
from __future__ import annotations

import pydoc

from thx_cron import dispatch


def test_old_task_paths_resolve_to_the_moved_functions() -> None:
    assert pydoc.locate("thx_cron.execution.execute") is pydoc.locate(
        "thx_cron.runner.execution.execute"
    )
    assert pydoc.locate("thx_cron.runner.execution.execute") is not None
    assert pydoc.locate(dispatch.RUN_TASK) is not None
    assert not dispatch.RUN_TASK.startswith("thx_cron.execution.")
