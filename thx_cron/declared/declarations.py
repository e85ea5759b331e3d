"""Jobs declared in code: `@thx_cron.job(...)`, the THX_CRON_JOBS setting and a jobs file.

A declaration is read into the Job field values it stands for (`Declaration.fields`); reading
it checks its shape and names the offending key. Whether the values make a valid job (a known
action, a valid cron, a real zone) is the model's validation, run by `thx_cron.declared.sync`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from thx_cron.actions import django_tasks
from thx_cron.actions.registry import registry
from thx_cron.schedules.schedule_fields import SCHEDULE_FIELDS
from thx_cron.security.limits import shown

# The fields of a declared job that its declaration owns; nothing else may change them.
DEFINITION_FIELDS = (
    "name",
    "description",
    "tags",
    "action",
    "args",
    "kwargs",
    *SCHEDULE_FIELDS,
    "one_time",
    "max_runs",
    "timeout_seconds",
    "overlap_policy",
    "misfire_policy",
    "misfire_grace_seconds",
    "max_retries",
    "retry_backoff_seconds",
)
DECLARED_IN_CODE = "This job is declared in code (key {key!r}); change its declaration instead."

_SCHEDULE_KEYS = ("cron", "calendar", "every", "at")
_CALENDAR_KEYS = ("year", "month", "day", "hour", "minute", "weekday")
# Keys copied as they are (their types are checked here, their values by the model).
_PLAIN: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "description": str,
    "action": str,
    "args": list,
    "kwargs": dict,
    "timezone": str,
    "one_time": bool,
    "enabled": bool,
    "max_runs": int,
    "timeout_seconds": int,
    "overlap_policy": str,
    "misfire_policy": str,
    "misfire_grace_seconds": int,
    "max_retries": int,
    "retry_backoff_seconds": int,
}
_INSTANTS = ("start_at", "end_at")
KNOWN_KEYS = frozenset({"key", "tags", "task", *_PLAIN, *_SCHEDULE_KEYS, *_INSTANTS})
_EMPTY_SCHEDULE: dict[str, Any] = {
    "cron": "",
    "year": None,
    "month": None,
    "day": None,
    "hour": None,
    "minute": None,
    "weekday": None,
    "every_seconds": None,
    "run_at": None,
}


class DeclarationError(ValueError):
    """A declaration cannot become a job; `field` names the key at fault."""

    def __init__(self, source: str, field: str, message: str) -> None:
        super().__init__(f"{source}: {field}: {message}")
        self.source = source
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Declaration:
    key: str
    source: str  # where it was declared, for messages: "THX_CRON_JOBS[2]", "@thx_cron.job on …"
    fields: dict[str, Any]  # every DEFINITION_FIELDS value
    enabled: bool = True  # the state a new job starts in; pause and resume are kept afterwards


def read(raw: Mapping[str, Any], source: str, defaults: Mapping[str, Any]) -> Declaration:
    """Return the declaration that `raw` describes, or raise DeclarationError."""
    if not isinstance(raw, Mapping):
        raise DeclarationError(source, "job", "A declaration must be a mapping of job fields.")
    unknown = sorted(str(name) for name in raw if name not in KNOWN_KEYS)
    if unknown:
        raise DeclarationError(
            source, unknown[0], f"Unknown key (known: {', '.join(sorted(KNOWN_KEYS))})."
        )
    action = _task_action(raw, source) if "task" in raw else raw.get("action")
    key = raw.get("key", raw.get("name", action))
    if not isinstance(key, str) or not key.strip():
        raise DeclarationError(source, "key", "A declaration needs a non-empty key (or name).")
    if len(key) > 200:
        raise DeclarationError(source, "key", "At most 200 characters.")
    fields = {name: defaults[name] for name in DEFINITION_FIELDS}
    fields["name"] = key
    enabled = True
    for name, kinds in _PLAIN.items():
        if name not in raw:
            continue
        value = raw[name]
        wrong_bool = kinds is int and isinstance(value, bool)
        if not isinstance(value, kinds) or wrong_bool:
            raise DeclarationError(
                source, name, f"Expected {_type_name(kinds)}, got {shown(value)}."
            )
        if name == "enabled":
            enabled = bool(value)
        else:
            fields[name] = value
    if "tags" in raw:
        tags = raw["tags"]
        if not isinstance(tags, list) or not all(isinstance(t, str) and t for t in tags):
            raise DeclarationError(source, "tags", "Tags must be a list of non-empty strings.")
        fields["tags"] = list(tags)
    for name in _INSTANTS:
        if name in raw:
            fields[name] = _instant(raw[name], source, name)
    fields.update(_schedule(raw, source))
    if action is not None:
        fields["action"] = action
    if not fields["action"]:
        raise DeclarationError(source, "action", "This field is required.")
    return Declaration(key=key, source=source, fields=fields, enabled=enabled)


def _task_action(raw: Mapping[str, Any], source: str) -> str:
    """Register the Django task that `raw["task"]` names; return its action name."""
    path = raw["task"]
    if "action" in raw:
        raise DeclarationError(source, "task", "Give either action or task, not both.")
    if not isinstance(path, str):
        raise DeclarationError(source, "task", f"Expected a dotted path, got {shown(path)}.")
    try:
        task = django_tasks.load(path)
        if path not in registry:
            registry.register(path, task)
    except ValueError as exc:
        raise DeclarationError(source, "task", str(exc)) from None
    return path


def _schedule(raw: Mapping[str, Any], source: str) -> dict[str, Any]:
    given = [name for name in _SCHEDULE_KEYS if name in raw]
    if len(given) != 1:
        which = ", ".join(given) if given else "none"
        raise DeclarationError(
            source, "schedule", f"Give exactly one of cron, calendar, every, at (got {which})."
        )
    name = given[0]
    value = raw[name]
    values = dict(_EMPTY_SCHEDULE)
    if name == "cron":
        if not isinstance(value, str):
            raise DeclarationError(source, "cron", f"Expected a string, got {shown(value)}.")
        values.update(schedule_kind="cron", cron=value)
    elif name == "calendar":
        if not isinstance(value, Mapping):
            raise DeclarationError(source, "calendar", "Expected a mapping of calendar fields.")
        for part, number in value.items():
            if part not in _CALENDAR_KEYS:
                raise DeclarationError(
                    source, f"calendar.{part}", f"Unknown key (known: {', '.join(_CALENDAR_KEYS)})."
                )
            if not isinstance(number, int) or isinstance(number, bool):
                raise DeclarationError(
                    source, f"calendar.{part}", f"Expected an integer, got {shown(number)}."
                )
            values[part] = number
        values["schedule_kind"] = "calendar"
    elif name == "every":
        seconds = value.get("seconds") if isinstance(value, Mapping) else value
        if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < 1:
            raise DeclarationError(
                source, "every", f"Expected a number of seconds >= 1, got {shown(value)}."
            )
        values.update(schedule_kind="interval", every_seconds=seconds)
    else:
        values.update(schedule_kind="once", run_at=_instant(value, source, "at"))
    return values


def _instant(value: Any, source: str, field: str) -> datetime:
    # Naive instants are wall-clock time in the job's zone; the sync makes them aware.
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    raise DeclarationError(
        source, field, f"Expected an ISO 8601 date and time, got {shown(value)}."
    )


def _type_name(kinds: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "an integer", bool: "true or false", list: "a list"}
    names[dict] = "a mapping"
    if isinstance(kinds, tuple):
        return " or ".join(names.get(kind, kind.__name__) for kind in kinds)
    return names.get(kinds, kinds.__name__)


# --- @thx_cron.job ----------------------------------------------------------------------------

# (raw declaration, source) pairs collected by the decorator, in declaration order.
_decorated: list[tuple[dict[str, Any], str]] = []


def job(**declaration: Any) -> Callable[[Any], Any]:
    """Declare a job that runs the decorated action (or Django task) on a schedule.

    The keys are those of a THX_CRON_JOBS entry; `action` and `key` default to the action's
    registered name (or, for a function not registered yet, its dotted path, which registers it).
    """

    def decorator(func: Any) -> Any:
        name = declaration.get("action") or _registered_name(func) or _dotted_path(func)
        if name not in registry:
            registry.register(name, func)
        source = f"@thx_cron.job on {_dotted_path(func)}"
        _decorated.append(({"key": name, **declaration, "action": name}, source))
        return func

    return decorator


def _registered_name(func: Any) -> str | None:
    for action in registry.all():
        if action.func is func or action.original is func:
            return action.name
    return None


def _dotted_path(func: Any) -> str:
    task_path = django_tasks.task_path(func)
    if task_path:
        return task_path
    return f"{func.__module__}.{func.__qualname__}"


def decorated() -> list[tuple[dict[str, Any], str]]:
    """Return the declarations made with `@thx_cron.job` so far."""
    return list(_decorated)


def forget_decorated(keep: Iterable[tuple[dict[str, Any], str]] = ()) -> None:
    """Replace the decorator's declarations (tests restore what they found)."""
    _decorated[:] = list(keep)
