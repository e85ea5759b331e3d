"""Sync declared jobs into Job rows by their key: create, update, or disable when removed.

All or nothing: every declaration is read and validated first; if one is bad, nothing is
written. The writes happen in one transaction under a lock (a PostgreSQL advisory lock; SQLite's
IMMEDIATE transactions serialise writers), so workers starting together sync once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connections, transaction

from thx_cron.conf import ThxCronSettings
from thx_cron.declared import declarations
from thx_cron.declared.declarations import DEFINITION_FIELDS, Declaration, DeclarationError
from thx_cron.declared.jobs_file import read_jobs_file
from thx_cron.models import Job
from thx_cron.schedules.schedule import InvalidSchedule, parse_timezone

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock key: "thxsync" in ASCII, so it cannot meet another application's lock.
_LOCK_ID = 0x74687873796E63
# Where a model field's validation error points in a declaration.
_DECLARED_KEY = {
    "schedule_kind": "schedule",
    "run_at": "at",
    "every_seconds": "every",
    **{name: f"calendar.{name}" for name in ("year", "month", "day", "hour", "minute", "weekday")},
}


class SyncError(Exception):
    """Declarations that cannot be synced; nothing was written."""

    def __init__(self, errors: list[DeclarationError]) -> None:
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors


@dataclass
class SyncPlan:
    created: list[Declaration] = field(default_factory=list)
    # (declaration, job, {field: (in the database, in the code)})
    updated: list[tuple[Declaration, Job, dict[str, tuple[Any, Any]]]] = field(default_factory=list)
    disabled: list[Job] = field(default_factory=list)
    unchanged: int = 0

    @property
    def drift(self) -> bool:
        return bool(self.created or self.updated or self.disabled)

    def lines(self) -> list[str]:
        """Describe each change, one line per job."""
        out = [f"create {d.key!r} ({d.source})" for d in self.created]
        for declaration, _job, changes in self.updated:
            detail = ", ".join(
                f"{name}: {old!r} -> {new!r}" for name, (old, new) in changes.items()
            )
            out.append(f"update {declaration.key!r}: {detail}")
        out += [f"disable {job.key!r} (no longer declared)" for job in self.disabled]
        return out

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.disabled)} disabled, {self.unchanged} unchanged"
        )


def _defaults() -> dict[str, Any]:
    fields = {field.name: field for field in Job._meta.concrete_fields}
    return {name: fields[name].get_default() for name in DEFINITION_FIELDS}


def gather() -> list[Declaration]:
    """Read every declaration (decorators, THX_CRON_JOBS, the jobs file), or raise SyncError."""
    raw: list[tuple[Any, str]] = declarations.decorated()
    errors: list[DeclarationError] = []
    setting = ThxCronSettings.JOBS.raw()
    if isinstance(setting, list | tuple):
        raw += [(entry, f"THX_CRON_JOBS[{index}]") for index, entry in enumerate(setting)]
    else:
        errors.append(DeclarationError("THX_CRON_JOBS", "THX_CRON_JOBS", "Expected a list."))
    path = ThxCronSettings.JOBS_FILE.raw()
    if not isinstance(path, str | None):
        where = "THX_CRON_JOBS_FILE"
        errors.append(DeclarationError(where, where, "Expected a path."))
    elif path:
        try:
            raw += read_jobs_file(path)
        except DeclarationError as exc:
            errors.append(exc)
    defaults = _defaults()
    found: dict[str, Declaration] = {}
    for entry, source in raw:
        try:
            declaration = declarations.read(entry, source, defaults)
        except DeclarationError as exc:
            errors.append(exc)
            continue
        if declaration.key in found:
            first = found[declaration.key].source
            errors.append(DeclarationError(source, "key", f"Key already declared by {first}."))
            continue
        _make_instants_aware(declaration)
        found[declaration.key] = declaration
    if errors:
        raise SyncError(errors)
    return list(found.values())


def _make_instants_aware(declaration: Declaration) -> None:
    fields = declaration.fields
    try:
        zone = parse_timezone(fields["timezone"])
    except InvalidSchedule:
        return  # the validation reports the zone
    for name in ("run_at", "start_at", "end_at"):
        value = fields[name]
        if value is not None and value.tzinfo is None:
            fields[name] = value.replace(tzinfo=zone)


def validate(found: list[Declaration], existing: dict[str, Job] | None = None) -> None:
    """Raise SyncError unless every declaration makes a valid job.

    With `existing` (the declared jobs in the database, by key) a new or rescheduled job must
    have an occurrence ahead, as on any save; without it (the system check, which reads no
    database) that rule is left out, so a one-time job that has run stays valid.
    """
    errors = []
    for declaration in found:
        candidate = Job(**declaration.fields, enabled=declaration.enabled)
        row = None if existing is None else existing.get(declaration.key)
        if existing is None or row is not None:
            candidate.pk = row.pk if row is not None else 0
            if row is not None and row.declared:
                candidate.enabled = row.enabled
            source = row if row is not None else candidate
            candidate._loaded_schedule = source._schedule_signature()
        try:
            candidate.clean_fields(exclude=["owner", "last_run"])
            candidate.clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                where = _DECLARED_KEY.get(name, name)
                errors.append(DeclarationError(declaration.source, where, " ".join(messages)))
    if errors:
        raise SyncError(errors)


def declared_rows(using: str = "default") -> dict[str, Job]:
    rows = Job.objects.using(using).filter(key__isnull=False)
    return {str(job.key): job for job in rows}


def plan(found: list[Declaration], using: str = "default") -> SyncPlan:
    """Compare the declarations with the database and return what a sync would change."""
    result = SyncPlan()
    rows = declared_rows(using)
    for declaration in found:
        job = rows.pop(declaration.key, None)
        if job is None:
            result.created.append(declaration)
            continue
        changes = {
            name: (getattr(job, name), value)
            for name, value in declaration.fields.items()
            if getattr(job, name) != value
        }
        if job.owner_id is not None:
            changes["owner"] = (job.owner_id, None)
        if not job.declared:
            changes["declared"] = (False, True)
        if changes:
            result.updated.append((declaration, job, changes))
        else:
            result.unchanged += 1
    result.disabled = [job for job in rows.values() if job.declared]
    _check_names(result, using)
    return result


def _check_names(result: SyncPlan, using: str) -> None:
    """Refuse a declared name that a job without a key (ownerless, as declared jobs are) holds."""
    wanted = {d.fields["name"]: d for d in result.created}
    wanted.update({d.fields["name"]: d for d, _job, changes in result.updated if "name" in changes})
    if not wanted:
        return
    taken = Job.objects.using(using).filter(owner__isnull=True, key__isnull=True)
    errors = [
        DeclarationError(
            wanted[name].source,
            "name",
            f"Job #{pk} {name!r}, which is not declared in code, has this name; rename or "
            "delete it, or give the declaration another name.",
        )
        for pk, name in taken.filter(name__in=list(wanted)).values_list("pk", "name")
    ]
    if errors:
        raise SyncError(errors)


def sync(*, using: str = "default", dry_run: bool = False) -> SyncPlan:
    """Bring the declared jobs in the database in line with the code; return what changed."""
    found = gather()
    validate(found, declared_rows(using))
    if dry_run:
        return plan(found, using)
    try:
        return _apply(found, using)
    except IntegrityError:
        # Another process on a backend without our lock won the race; it wrote the same rows.
        return _apply(found, using)


def _apply(found: list[Declaration], using: str) -> SyncPlan:
    with transaction.atomic(using=using):
        if connections[using].vendor == "postgresql":
            with connections[using].cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])
        result = plan(found, using)
        for declaration in result.created:
            job = Job(**declaration.fields, key=declaration.key, declared=True)
            job.enabled = declaration.enabled
            job.save(using=using)
        for declaration, job, _changes in result.updated:
            if not job.declared:
                job.enabled = declaration.enabled  # declared again: back as declared
            for name, value in declaration.fields.items():
                setattr(job, name, value)
            job.owner = None
            job.declared = True
            job.save(using=using)  # a schedule change recomputes the next run, as an edit does
        for job in result.disabled:
            job.declared = False
            job.pause()
    return result


def sync_quietly(reason: str, using: str = "default") -> SyncPlan | None:
    """Sync on migrate or worker start; a bad declaration is logged, never raised."""
    try:
        result = sync(using=using)
    except SyncError as exc:
        for error in exc.errors:
            logger.warning("Declared jobs not synced (%s): %s", reason, error)
        return None
    except DatabaseError as exc:
        # For example a migrate back to before 0002_declared_jobs_key: there is no key column.
        logger.warning("Declared jobs not synced (%s): %s", reason, exc)
        return None
    logger.info("Declared jobs synced (%s): %s", reason, result.summary())
    return result
