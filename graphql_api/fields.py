"""Fields read straight off model instances: loaded columns and Relay node ids.

A page of jobs with their last run and latest runs resolves mostly columns and ids.
strawberry-django sends each through its full resolver chain (an Info object, argument
conversion, the extension chain, relation checks); Strawberry skips that chain for "basic"
fields (`StrawberryField.is_basic_field`), and these classes declare the fields that need
nothing more basic. Relations, resolvers, fields with extensions or permissions, and deferred
columns keep the full chain. Measured on benchmarks/graphql_jobs.py's page (Python calls per
request, strawberry-django 0.93): the columns save about a tenth, the ids about an eighth.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, TypeVar

from django.db.models import Model
from django.db.models.query_utils import DeferredAttribute
from strawberry import relay
from strawberry.relay.utils import to_base64
from strawberry.types.base import get_object_definition
from strawberry.types.cast import get_strawberry_type_cast
from strawberry.types.field import StrawberryField
from strawberry_django.fields.field import StrawberryDjangoField

from thx_cron_graphql.strawberry_compat import replace_node_id_field

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
    assert cls.resolve_id_attr() == "pk", "node ids are encoded from the pk"  # type: ignore[attr-defined]
    definition = get_object_definition(cls, strict=True)
    original = next(field for field in definition.fields if field.python_name == "_id")
    return replace_node_id_field(cls, NodeIdField(definition.name, original.description))


def is_model_type(model: type[Model]) -> Any:
    """An ``is_type_of`` for a model type's class body: one isinstance() per value.

    graphql-core asks each object it completes; strawberry-django's default check, which it only
    installs on a class without its own, also looks a parent's check up each time."""

    def is_type_of(cls: type, obj: Any, info: Any) -> bool:
        cast = get_strawberry_type_cast(obj)
        return cast is cls if cast is not None else isinstance(obj, (cls, model))

    return classmethod(is_type_of)
