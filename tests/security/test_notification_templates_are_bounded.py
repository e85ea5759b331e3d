"""Notification templates cannot build huge texts or loop for long: such templates are refused
when a rule is saved, and a rendered title and body are cut to their bound with a marker."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tests.notifications.flow import finish
from thx_cron_notifications import processing, rendering
from thx_cron_notifications.models import NotificationDelivery, NotificationRule

LOOP = "{% for a in s %}{% for b in s %}{% for c in s %}{{ c }}{% endfor %}{% endfor %}{% endfor %}"
DOUBLING = "".join("{% with v=v|add:v %}" for _ in range(16)) + "{{ v }}" + "{% endwith %}" * 16
REFUSED = {
    "ljust": '{{ job.name|ljust:"50000000" }}',
    "center": '{{ job.name|center:"99999999" }}',
    "stringformat": '{{ job.name|stringformat:"99999999s" }}',
    "floatformat": '{{ 1.5|floatformat:"99999" }}',
    "join": '{{ job.name|make_list|join:"' + "x" * 5000 + '" }}',
    "lorem words": "{% lorem 20000 w %}",
    "lorem paragraphs": "{% lorem 500 p %}",
    "nested loops": '{% with s="' + "x" * 200 + '" %}' + LOOP + "{% endwith %}",
    "doubling": '{% with v="xxxxxxxx" %}' + DOUBLING + "{% endwith %}",
    "too long a result": "{% lorem 2000 w %}" * 3,
}


@pytest.mark.parametrize("source", REFUSED.values(), ids=REFUSED.keys())
def test_a_template_that_renders_too_much_is_refused_naming_the_field(
    source: str, user: Any
) -> None:
    rule = NotificationRule(
        owner=user, name="r", urls=["json://127.0.0.1:9/x"], events=["failed"],
        body_template=source, title_template=source,
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        rule.full_clean(exclude=["jobs"])
    errors = caught.value.message_dict
    assert set(errors) == {"title_template", "body_template"}
    assert "renders" in errors["body_template"][0]


def test_debug_output_is_not_available() -> None:
    with pytest.raises(rendering.InvalidTemplate, match="debug"):
        rendering.validate("{% debug %}")


def test_ordinary_templates_still_render() -> None:
    for source in (rendering.DEFAULT_TITLE, rendering.DEFAULT_BODY, "{% lorem 3 p %}"):
        rendering.validate(source)
    text = rendering.render('{{ job.name|upper }} {{ job.tags|join:", " }}', {"job": {
        "name": "report", "tags": ["a", "b"]}})  # fmt: skip
    assert text == "REPORT a, b"


def test_a_long_rendered_body_and_title_are_cut_with_a_marker(
    make_rule: Any, make_job: Any, user: Any
) -> None:
    make_rule(user, title_template="{{ run.error }}", body_template="{{ run.error }}")
    finish(make_job(owner=user), error="E" * 100_000)
    [pk] = processing.process_new_events()
    row = NotificationDelivery.objects.get(pk=pk)
    assert len(row.title) == rendering.MAX_TITLE and len(row.body) == rendering.MAX_BODY
    assert row.body.endswith(rendering.TRUNCATED) and row.title.endswith(rendering.TRUNCATED)
    assert row.body.startswith("EEEE")
