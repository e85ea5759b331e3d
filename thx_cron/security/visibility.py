"""Who may see a job, a run, an event, a rule or a delivery: one rule for every reader.

The rule: anonymous callers see nothing; staff and superusers see everything; any other user
sees what they own. An object without an owner (a declared job, an operator's rule) is therefore
seen by staff and superusers only. Objects that belong to another (a run to its job, a delivery
to its rule) are seen exactly when that one is.

The rule is written once, in `Viewer.of`, and read in two forms derived from it: `visible` filters
a queryset (GraphQL lists, lookups, the admin, the Python API), `predicate` tests objects in memory
(live subscriptions). A model joins with `register`: the models of this app below, the
notification app's in its own models, so that dependencies keep pointing at thx_cron.
Who may *change* an object is `thx_cron.security.ownership`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, Protocol, TypeVar

from django.db.models import Model, Q, QuerySet

_M = TypeVar("_M", bound=Model)
_QS = TypeVar("_QS", bound="QuerySet[Any]")


class User(Protocol):
    """What the rule reads of a user: Django's users and AnonymousUser alike."""

    @property
    def pk(self) -> Any: ...
    @property
    def is_authenticated(self) -> bool: ...
    @property
    def is_staff(self) -> bool: ...
    @property
    def is_superuser(self) -> bool: ...


class Scope(enum.Enum):
    NOTHING = "nothing"
    OWN = "own"
    EVERYTHING = "everything"


@dataclass(frozen=True)
class Viewer:
    """A user as the rule sees them: what they may see, and whose objects are theirs."""

    scope: Scope
    user_id: int | None = None

    @classmethod
    def of(cls, user: User | None) -> Viewer:
        """Return the viewer `user` is: the one place that says who sees what."""
        if user is None or not user.is_authenticated:
            return NOBODY
        if user.is_staff or user.is_superuser:
            return cls(Scope.EVERYTHING, user.pk)
        return cls(Scope.OWN, user.pk)


NOBODY = Viewer(Scope.NOTHING)


@dataclass(frozen=True)
class _Entry:
    owner: str | None  # the owner foreign key of a model that has one
    through: str | None  # else the relation to the registered model it belongs to
    parent: type[Model] | None  # the model at `through`
    path: str  # the attributes from an object to its owner's id ("job.owner_id")
    owner_of: Callable[[Any], Any]  # one attrgetter of `path`: subscriptions call it per event


_declared: dict[type[Model], tuple[str | None, str | None]] = {}
_entries: dict[type[Model], _Entry] = {}


def register(model: type[Model], *, owner: str | None = None, through: str | None = None) -> None:
    """Put `model` under the rule: owned at its `owner` field, or seen with its `through` one."""
    if (owner is None) == (through is None):
        raise TypeError("register() takes exactly one of owner= and through=.")
    _declared[model] = (owner, through)
    _entries.pop(model, None)


def _entry(model: type[Model]) -> _Entry:
    # Resolved on first use: relations are known only once every model is loaded.
    try:
        return _entries[model]
    except KeyError:
        pass
    try:
        owner, through = _declared[model]
    except KeyError:
        raise LookupError(
            f"{model!r} is not registered with thx_cron.security.visibility."
        ) from None
    parent: type[Model] | None = None
    if owner is not None:
        path = model._meta.get_field(owner).attname  # type: ignore[union-attr]
    else:
        assert through is not None
        parent = model._meta.get_field(through).related_model  # type: ignore[assignment]
        assert parent is not None
        path = f"{through}.{_entry(parent).path}"
    entry = _entries[model] = _Entry(owner, through, parent, path, attrgetter(path))
    return entry


def visible(queryset: _QS, user: User | Viewer | None) -> _QS:
    """Return the rows of `queryset` that `user` may see."""
    viewer = user if isinstance(user, Viewer) else Viewer.of(user)
    if viewer.scope is Scope.EVERYTHING:
        return queryset  # no filter, so no subquery over large tables
    if viewer.scope is Scope.NOTHING:
        return queryset.none()
    return queryset.filter(_own(queryset.model, viewer.user_id))


def _own(model: type[Model], user_id: int | None) -> Q:
    entry = _entry(model)
    if entry.owner is not None:
        return Q(**{entry.path: user_id})
    assert entry.parent is not None
    # A subquery, as the runs list always had: joined to jobs, SQLite may scan all of the owner's
    # runs for one page of them.
    owned = entry.parent._default_manager.filter(_own(entry.parent, user_id)).values("pk")
    return Q(**{f"{entry.through}__in": owned})


def predicate(model: type[_M], user: User | Viewer | None) -> Callable[[_M], bool]:
    """Return a test of whether `user` may see an object of `model` already in memory."""
    viewer = user if isinstance(user, Viewer) else Viewer.of(user)
    if viewer.scope is Scope.EVERYTHING:
        return lambda obj: True
    if viewer.scope is Scope.NOTHING:
        return lambda obj: False
    owner_of, user_id = _entry(model).owner_of, viewer.user_id
    return lambda obj: owner_of(obj) == user_id


def can_see(user: User | Viewer | None, obj: Model) -> bool:
    """Tell whether `user` may see `obj`."""
    return predicate(type(obj), user)(obj)
