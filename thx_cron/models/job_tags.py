"""Finding jobs by tag: the one vendor-specific lookup of the job model."""

from __future__ import annotations

from typing import TypeVar

from django.db import connections
from django.db.models import Model, QuerySet

Q = TypeVar("Q", bound=QuerySet[Model])


def with_tag(jobs: Q, tag: str) -> Q:
    """`jobs` tagged `tag` (`tags` is a JSON list of strings)."""
    if connections[jobs.db].vendor == "postgresql":
        return jobs.filter(tags__contains=[tag])
    # SQLite has no JSON containment operator; json_each does the same.
    table = jobs.model._meta.db_table
    return jobs.extra(  # type: ignore[return-value]
        where=[f"EXISTS (SELECT 1 FROM json_each({table}.tags) WHERE value = %s)"],
        params=[tag],
    )
