"""Rules refuse bad URLs, events and templates with a message naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from thx_cron_notifications.models import NotificationRule


def errors_of(**fields: Any) -> dict[str, list[str]]:
    values: dict[str, Any] = {"name": "r", "urls": ["json://127.0.0.1:9/x"], "events": ["failed"]}
    values.update(fields)
    with pytest.raises(ValidationError) as caught:
        NotificationRule(**values).full_clean(exclude=["owner"])
    return caught.value.message_dict


def test_an_invalid_apprise_url_is_refused_naming_which_url(db: Any) -> None:
    errors = errors_of(urls=["json://127.0.0.1:9/x", "nonsense://whatever"])
    assert list(errors) == ["urls"]
    assert "URL 2" in errors["urls"][0] and "'nonsense'" in errors["urls"][0]
    assert NotificationRule.objects.count() == 0


def test_a_url_without_a_scheme_and_an_empty_list_are_refused(db: Any) -> None:
    assert "is not a URL" in errors_of(urls=["hooks.example.com"])["urls"][0]
    assert "at least one" in errors_of(urls=[])["urls"][0]


def test_the_error_for_a_bad_mailto_url_does_not_echo_its_password(db: Any) -> None:
    message = errors_of(urls=["mailto://user:hunter2@"])["urls"][0]
    assert "hunter2" not in message


def test_unknown_events_are_refused(db: Any) -> None:
    message = errors_of(events=["failed", "exploded"])["events"][0]
    assert "exploded" in message and "recovered" in message


def test_a_template_with_a_syntax_error_is_refused(db: Any) -> None:
    errors = errors_of(body_template="{% if run.error %}never closed")
    assert list(errors) == ["body_template"]
    assert "not a valid template" in errors["body_template"][0]


def test_a_tags_scope_needs_tags(db: Any) -> None:
    assert "at least one tag" in errors_of(scope="tags", tags=[])["tags"][0]
