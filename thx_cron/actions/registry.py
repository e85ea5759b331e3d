"""The action registry: the only callables a job can run."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from thx_cron.actions import django_tasks

ActionFunc = Callable[..., Any]


class ActionError(ValueError):
    """A job names an action or arguments that cannot run."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class ActionNotRegistered(ActionError):
    def __init__(self, name: str) -> None:
        super().__init__("action", f"'{name}' is not a registered action.")
        self.name = name


@dataclass(frozen=True)
class Argument:
    name: str
    kind: str  # "positional", "keyword", "var_positional", "var_keyword"
    required: bool
    default: Any = None
    annotation: str = ""


@dataclass(frozen=True)
class Action:
    name: str
    func: ActionFunc
    description: str = ""
    arguments: tuple[Argument, ...] = field(default_factory=tuple)
    # Extra checks of the arguments at save time (for example an allow-list); raises ActionError.
    validator: Callable[..., None] | None = None
    # What was registered when it is not `func` itself (a Django task, run through `func`).
    original: Any = None

    def bind(self, args: list[Any], kwargs: dict[str, Any]) -> None:
        """Raise ActionError unless the action accepts these arguments."""
        try:
            inspect.signature(self.func).bind(*args, **kwargs)
        except TypeError as exc:
            # "unexpected keyword argument", "multiple values for argument" concern the kwargs.
            keyword = "keyword" in str(exc) or "multiple values" in str(exc)
            field = "kwargs" if kwargs and (keyword or not args) else "args"
            raise ActionError(field, f"{self.name}: {exc}") from None
        if self.validator is not None:
            self.validator(*args, **kwargs)


_KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: "positional",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional",
    inspect.Parameter.KEYWORD_ONLY: "keyword",
    inspect.Parameter.VAR_POSITIONAL: "var_positional",
    inspect.Parameter.VAR_KEYWORD: "var_keyword",
}


def _describe_arguments(func: ActionFunc) -> tuple[Argument, ...]:
    arguments = []
    for param in inspect.signature(func).parameters.values():
        annotation = param.annotation
        if annotation is inspect.Parameter.empty:
            annotation_text = ""
        else:
            annotation_text = annotation if isinstance(annotation, str) else annotation.__name__
        required = param.default is inspect.Parameter.empty and param.kind not in (
            inspect.Parameter.VAR_POSITIONAL,
            inspect.Parameter.VAR_KEYWORD,
        )
        default = None if param.default is inspect.Parameter.empty else param.default
        arguments.append(
            Argument(param.name, _KINDS[param.kind], required, default, str(annotation_text))
        )
    return tuple(arguments)


class Registry:
    def __init__(self) -> None:
        self._actions: dict[str, Action] = {}
        # Callables returning {name: dotted path}, read on every lookup (settings change).
        self._sources: list[Callable[[], Any]] = []
        self._imported: dict[tuple[str, str], Action] = {}

    def add_source(self, source: Callable[[], Any]) -> None:
        """Also offer the actions named by `source()` ({name: "dotted.path"}), read lazily."""
        self._sources.append(source)

    def _from_sources(self) -> dict[str, Action]:
        from django.utils.module_loading import import_string

        found: dict[str, Action] = {}
        for source in self._sources:
            mapping = source()
            if not isinstance(mapping, dict):
                continue  # reported by check thx_cron.E002
            for name, path in mapping.items():
                if name in self._actions or not isinstance(path, str):
                    continue
                key = (name, path)
                if key not in self._imported:
                    try:
                        func = import_string(path)
                    except (ImportError, ValueError):
                        continue  # reported by check thx_cron.E002
                    doc = (inspect.getdoc(func) or "").split("\n\n")[0]
                    self._imported[key] = Action(name, func, doc, _describe_arguments(func), None)
                found[name] = self._imported[key]
        return found

    def register(
        self,
        name: str,
        func: ActionFunc,
        description: str = "",
        validator: Callable[..., None] | None = None,
    ) -> Action:
        if not name or not isinstance(name, str):
            raise ValueError("An action needs a non-empty name.")
        original = func if django_tasks.is_task(func) else None
        existing = self._actions.get(name)
        if existing is not None and existing.func is not func:
            if original is None or existing.original is not original:
                raise ValueError(f"Action '{name}' is already registered to {existing.func!r}.")
            return existing
        if original is not None:
            func = django_tasks.as_callable(original)
        doc = description or (inspect.getdoc(func) or "").split("\n\n")[0]
        action = Action(name, func, doc, _describe_arguments(func), validator, original)
        self._actions[name] = action
        return action

    def unregister(self, name: str) -> None:
        self._actions.pop(name, None)

    def get(self, name: str) -> Action:
        found = self._actions.get(name) or self._from_sources().get(name)
        if found is None:
            raise ActionNotRegistered(name)
        return found

    def all(self) -> list[Action]:
        merged = {**self._from_sources(), **self._actions}
        return sorted(merged.values(), key=lambda a: a.name)

    def __contains__(self, name: object) -> bool:
        return name in self._actions or name in self._from_sources()


registry = Registry()


def action(
    name: str, *, description: str = "", validator: Callable[..., None] | None = None
) -> Callable[[ActionFunc], ActionFunc]:
    """Register the decorated callable as the action `name`."""

    def decorator(func: ActionFunc) -> ActionFunc:
        registry.register(name, func, description, validator)
        return func

    return decorator


def validate_call(name: str, args: Any, kwargs: Any) -> Action:
    """Return the action if `name` is registered and accepts `args` and `kwargs`."""
    if not name:
        raise ActionError("action", "This field is required.")
    found = registry.get(name)
    if not isinstance(args, list):
        raise ActionError("args", "Arguments must be a JSON list.")
    if not isinstance(kwargs, dict):
        raise ActionError("kwargs", "Keyword arguments must be a JSON object.")
    found.bind(args, kwargs)
    return found
