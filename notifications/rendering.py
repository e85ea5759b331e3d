"""Message templates: the title and body of a notification, rendered from run fields."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from django.template import Engine, TemplateSyntaxError

from thx_cron_notifications.template_limits import BoundedContext, RenderLimitExceeded

DEFAULT_TITLE = "[thx-cron] {{ job.name }}: {{ event }}"
DEFAULT_BODY = (
    "Job {{ job.name }} {{ event }}.\n"
    "Status: {{ run.status }}\n"
    "Scheduled for: {{ run.scheduled_for|default:'-' }}\n"
    "Started: {{ run.started_at|default:'-' }}\n"
    "Finished: {{ run.finished_at|default:'-' }}\n"
    "Duration: {{ run.duration|default:'-' }}\n"
    "Attempt: {{ run.attempt }}\n"
    "{% if consecutive_failures %}Consecutive failures: {{ consecutive_failures }}\n{% endif %}"
    "{% if run.error %}Error: {{ run.error }}\n{% endif %}"
    "{{ link }}"
)
MAX_TEMPLATE = 10_000
# The longest rendered title and body; longer ones are cut, ending with TRUNCATED.
MAX_TITLE = 1_000
MAX_BODY = 10_000
TRUNCATED = "… [truncated]"
# Fields a template may use; docs/notifications.md lists them for users.
SAMPLE_CONTEXT: dict[str, Any] = {
    "event": "failed",
    "job": {"id": 1, "name": "nightly-report", "tags": ["reports"], "action": "reports.daily"},
    "run": {
        "id": 42,
        "status": "failed",
        "trigger": "schedule",
        "attempt": 1,
        "scheduled_for": "2030-01-01T09:00:00+00:00",
        "started_at": "2030-01-01T09:00:01+00:00",
        "finished_at": "2030-01-01T09:00:03+00:00",
        "duration": "2.0 s",
        "error": "ValueError: example",
    },
    "consecutive_failures": 1,
    "rule": {"name": "example"},
    "link": "http://127.0.0.1:8000/admin/thx_cron/joblog/42/change/",
}


class InvalidTemplate(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@lru_cache(maxsize=1)
def _engine() -> Engine:
    # Plain text goes to email, chat and JSON: HTML escaping would garble names and errors.
    # The bounded library replaces the built-in filters and tags that could build huge texts.
    return Engine(autoescape=False, builtins=["thx_cron_notifications.template_limits"])


def validate(source: str, limit: int = MAX_BODY) -> None:
    """Raise InvalidTemplate when `source` does not compile, or its rendering with the sample
    fields fails, exceeds `limit` characters or takes too much work."""
    if len(source) > MAX_TEMPLATE:
        raise InvalidTemplate(f"is longer than {MAX_TEMPLATE} characters")
    try:
        text = _engine().from_string(source).render(BoundedContext(SAMPLE_CONTEXT))
    except TemplateSyntaxError as exc:
        raise InvalidTemplate(f"is not a valid template: {exc}") from exc
    except RenderLimitExceeded as exc:
        raise InvalidTemplate(f"renders too much: {exc}") from exc
    except Exception as exc:  # a filter may raise on the sample values
        raise InvalidTemplate(f"cannot be rendered: {exc}") from exc
    if len(text.strip()) > limit:
        raise InvalidTemplate(f"renders more than {limit} characters with sample values")


def truncate(text: str, limit: int) -> str:
    """Return `text` cut to at most `limit` characters, marked when cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - len(TRUNCATED), 0)] + TRUNCATED


def render(source: str, context: dict[str, Any], limit: int = MAX_BODY) -> str:
    """Render `source` with `context`, at most `limit` characters; a broken template yields a
    note, never an exception."""
    try:
        text = _engine().from_string(source).render(BoundedContext(context)).strip()
    except Exception as exc:  # a notification must still go out if a template breaks later
        text = f"(template error: {exc})"
    return truncate(text, limit)


def _instant(value: datetime | None) -> str:
    return value.isoformat() if value else ""


def duration_text(seconds: float | None) -> str:
    """Return a duration as people read it in alerts."""
    if seconds is None:
        return ""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min {rest} s"


def run_context(
    job: Any, run: Any, event: str, data: dict[str, Any], rule_name: str, link: str
) -> dict[str, Any]:
    """Return the template context for one notification about `run` of `job`."""
    run_fields: dict[str, Any] = {}
    if run is not None:
        run_fields = {
            "id": run.pk,
            "status": run.status,
            "trigger": run.trigger,
            "attempt": run.attempt,
            "scheduled_for": _instant(run.scheduled_for),
            "started_at": _instant(run.started_at),
            "finished_at": _instant(run.finished_at),
            "duration": duration_text(run.duration_seconds),
            "duration_seconds": run.duration_seconds,
            "error": run.error,
        }
    return {
        "event": event.replace("_", " "),
        "job": {"id": job.pk, "name": job.name, "tags": list(job.tags or []), "action": job.action},
        "run": run_fields,
        "consecutive_failures": data.get("consecutive_failures", 0),
        "rule": {"name": rule_name},
        "link": link,
    }
