"""Model choices built from the pure modules' enums, so that each set of values is written once."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from django.db import models


def text_choices(
    name: str, values: type[StrEnum], labels: Mapping[str, str] | None = None
) -> type[models.TextChoices]:
    """A TextChoices class with `values`' members; a label from `labels`, else Django's default
    (the member's name, title-cased), as a class written by hand would have."""
    given = labels or {}
    members = [
        (member.name, (member.value, given[member]) if member in given else member.value)
        for member in values
    ]
    # The functional Enum API; django-stubs types the call as making one member.
    return models.TextChoices(name, members)  # type: ignore[call-overload]
