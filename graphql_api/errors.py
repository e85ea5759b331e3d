"""Errors that mutations raise (strawberry-django turns them into `OperationInfo` messages), the
error of a bad query argument, and which errors are the client's (logged as a warning)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from graphql import GraphQLError


class InputError(ValidationError):
    """A bad value in field `field` of the input, with a message saying why."""

    def __init__(self, field: str, message: str, code: str = "invalid") -> None:
        super().__init__({field: [ValidationError(message, code=code)]})


class NotFound(InputError):
    """The object named by `field` does not exist or is not visible to the user."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, message, code="not_found")


class NotAllowed(PermissionDenied, ValidationError):
    """The user may see the object but not do this to it (reported with kind PERMISSION)."""

    def __init__(self, field: str | None, message: str) -> None:
        ValidationError.__init__(
            self, {field or NON_FIELD_ERRORS: [ValidationError(message, code="permission")]}
        )


def remap(error: ValidationError, fields: Mapping[str, str]) -> ValidationError:
    """Return `error` with model field names replaced by the input paths the client sent."""
    if not hasattr(error, "error_dict"):
        return error
    renamed: dict[str, list[ValidationError]] = {}
    for name, errors in error.error_dict.items():
        renamed.setdefault(fields.get(name, name), []).extend(errors)
    return ValidationError(renamed)


def operation_info(error: ValidationError) -> Any:
    """Return an `OperationInfo` listing every message of `error` with its field."""
    from strawberry_django.fields.types import OperationInfo, OperationMessage

    kind = OperationMessage.Kind.VALIDATION
    messages = []
    by_field = getattr(error, "error_dict", None) or {NON_FIELD_ERRORS: error.error_list}
    for field, errors in by_field.items():
        for item in errors:
            text = item.message % item.params if item.params else item.message
            messages.append(
                OperationMessage(
                    kind=kind,
                    field=None if field == NON_FIELD_ERRORS else field,
                    message=str(text),
                    code=item.code,
                )
            )
    return OperationInfo(messages=messages)


class InvalidArgument(GraphQLError):
    """A bad value in argument `field` of a query field (a filter, a cursor, a page size)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", extensions={"field": field, "code": "invalid"})
