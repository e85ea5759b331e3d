"""Fields read straight off model instances: loaded columns and Relay node ids.

A page of 100 jobs with their last run and 5 latest runs resolves about 2,900 fields, most of them
columns and ids. strawberry-django sends each through its full resolver chain (an Info object,
argument conversion, the extension chain, relation checks); Strawberry skips that chain for
"basic" fields, and these classes declare the fields that need nothing more basic. Relations,
resolvers, fields with extensions or permissions, and deferred columns keep the full chain.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, TypeVar

from django.db.models.query_utils import DeferredAttribute
from strawberry import relay
from strawberry.relay.utils import to_base64
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.cast import get_strawberry_type_cast
from strawberry.types.field import StrawberryField
from strawberry_django.fields.field import StrawberryDjangoField

_T = TypeVar("_T", bound=type)


class ColumnField(StrawberryDjangoField):
    """A model type's field that reads a loaded column off the instance when it is one."""

    @cached_property
    def column(self) -> str | None:
        """Return the attribute name of the plain column behind this field, if it is one."""
        definition = self.origin_django_type
        if self.base_resolver is not None or self.extensions or definition is None:
            return None
        attr = getattr(definition.model, self.django_name or self.python_name, None)
        # Exactly DeferredAttribute: foreign keys, files and properties have their own descriptors.
        return attr.field.attname if type(attr) is DeferredAttribute else None

    @property
    def is_basic_field(self) -> bool:
        return self.column is not None

    def get_result(self, source: Any, info: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
        column = self.column
        if column is not None and source is not None:
            try:
                return source.__dict__[column]
            except KeyError:  # deferred: strawberry-django loads it, safely in async contexts
                pass
        return super().get_result(source, info, args, kwargs)


class NodeIdField(StrawberryField):
    """The Relay ``id`` of a model type, encoded from the instance's pk."""

    def __init__(self, type_name: str, description: str | None) -> None:
        super().__init__(
            python_name="_id",
            graphql_name="id",
            type_annotation=None,
            description=description,
        )
        self.type_name = type_name
        self.type = relay.GlobalID

    def get_result(self, source: Any, info: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
        # The GlobalID scalar serializes with str(); the encoded string is what it would give.
        return to_base64(self.type_name, source.pk)


def node_ids_from_pk(cls: _T) -> _T:
    """Give the model node type `cls` an ``id`` field encoded from the pk without an Info object."""
    definition: StrawberryObjectDefinition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    assert getattr(cls, "_id_attr", None) == "pk", "node ids are encoded from the pk"
    fields = []
    for field in definition.fields:
        if field.python_name == "_id":
            replacement = NodeIdField(definition.name, field.description)
            replacement.origin = cls
            field = replacement  # noqa: PLW2901
        fields.append(field)
    definition.fields = fields
    return cls


def isinstance_type_check(cls: _T) -> _T:
    """Check that a value is of the model type `cls` with one isinstance() per value.

    graphql-core asks each object it completes (about 700 on a page of jobs); strawberry-django's
    check builds a super() proxy and looks the parent's check up each time to find there is none.
    """
    definition: StrawberryObjectDefinition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    model = cls.__strawberry_django_definition__.model  # type: ignore[attr-defined]
    assert getattr(super(cls, cls), "is_type_of", None) is None, "no parent check to call"
    accepted = (cls, model)

    def is_type_of(obj: Any, info: Any) -> bool:
        cast = get_strawberry_type_cast(obj)
        return cast is cls if cast is not None else isinstance(obj, accepted)

    definition.is_type_of = is_type_of
    return cls
