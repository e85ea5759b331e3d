from __future__ import annotations

import pytest

from thx_cron import lifecycle
from thx_cron.models import JobEvent
from thx_cron.runner import execution


@pytest.mark.django_db(transaction=True)
def test_output_printed_while_running_is_stored_with_output_events(make_job, temporary_action):
    import time

    def slow_talker() -> None:
        print("first part", flush=True)
        time.sleep(0.7)  # a few heartbeats (0.2 s in the test settings) pass meanwhile
        print("second part", flush=True)

    temporary_action("tests.slow_talker", slow_talker)
    run = execution.execute_run(lifecycle.create_run(make_job(action="tests.slow_talker", args=[])))
    appended = [event.data["appended"] for event in JobEvent.objects.filter(run=run, kind="output")]
    assert appended and appended[0] == "first part\n"
    assert run.output == "first part\nsecond part\n"
    kinds = list(JobEvent.objects.filter(run=run).values_list("kind", flat=True))
    assert kinds[:3] == ["queued", "started", "output"] and kinds[-1] == "succeeded"
