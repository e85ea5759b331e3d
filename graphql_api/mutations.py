"""Mutations on jobs and runs: each validates through the model and changes nothing on error."""

from __future__ import annotations

from typing import cast

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from django.db import router, transaction

from thx_cron.declared.declarations import DECLARED_IN_CODE
from thx_cron.models import Job, RunFinished
from thx_cron_graphql.errors import InputError, NotAllowed, remap
from thx_cron_graphql.inputs import (
    FIELD_PATHS,
    JobInput,
    input_values,
    null_fields,
    schedule_values,
)
from thx_cron_graphql.permissions import (
    Info,
    changeable_job,
    may_change,
    require_user,
    visible_run,
)
from thx_cron_graphql.types import DeletedJob, JobLogType, JobType


def _refuse_declared(job: Job, field: str) -> None:
    """A declared job's definition changes only with its declaration in code."""
    if job.declared:
        raise InputError(field, DECLARED_IN_CODE.format(key=job.key), code="declared")


def _save(job: Job, data: JobInput, *, creating: bool) -> Job:
    values = input_values(data)
    if not creating:
        # `enabled` is pausing and resuming, which a declared job still allows.
        definition = [name for name in values if name != "enabled"]
        if data.schedule is not strawberry.UNSET:
            definition.insert(0, "schedule")
        if definition:
            _refuse_declared(job, FIELD_PATHS.get(definition[0], definition[0]))
    missing = null_fields(values)
    if missing:
        raise InputError(missing[0], "This field cannot be null.")
    if creating:
        for required in ("name", "action"):
            if required not in values:
                raise InputError(required, "This field is required.")
        if data.schedule is strawberry.UNSET or data.schedule is None:
            raise InputError("schedule", "This field is required.")
    if data.schedule is None:
        raise InputError("schedule", "This field cannot be null.")
    for name, value in values.items():
        setattr(job, name, value)
    if data.schedule is not strawberry.UNSET:
        for name, value in schedule_values(data.schedule, job.timezone).items():
            setattr(job, name, value)
    try:
        job.full_clean()
    except ValidationError as exc:
        raise remap(exc, FIELD_PATHS) from None
    with transaction.atomic(using=router.db_for_write(Job)):
        job.save()
    return job


@strawberry.type
class JobMutations:
    @strawberry_django.mutation(handle_django_errors=True)
    def create_job(self, info: Info, input: JobInput) -> JobType:
        """Create a job owned by the caller."""
        return cast(JobType, _save(Job(owner=require_user(info)), input, creating=True))

    @strawberry_django.mutation(handle_django_errors=True)
    def update_job(self, info: Info, id: strawberry.ID, input: JobInput) -> JobType:
        """Change the given fields of a job."""
        return cast(JobType, _save(changeable_job(info, id), input, creating=False))

    @strawberry_django.mutation(handle_django_errors=True)
    def delete_job(self, info: Info, id: strawberry.ID) -> DeletedJob:
        """Delete a job with its runs and events."""
        job = changeable_job(info, id, permission="delete")
        _refuse_declared(job, "id")
        deleted = DeletedJob(id=strawberry.ID(str(id)), name=job.name)
        job.delete()
        return deleted

    @strawberry_django.mutation(handle_django_errors=True)
    def pause_job(self, info: Info, id: strawberry.ID) -> JobType:
        """Stop dispatching a job until it is resumed."""
        job = changeable_job(info, id)
        job.pause()
        return cast(JobType, job)

    @strawberry_django.mutation(handle_django_errors=True)
    def resume_job(self, info: Info, id: strawberry.ID) -> JobType:
        """Dispatch a paused job again from its next occurrence."""
        job = changeable_job(info, id)
        job.resume()
        return cast(JobType, job)

    @strawberry_django.mutation(handle_django_errors=True)
    def run_job_now(self, info: Info, id: strawberry.ID) -> JobLogType:
        """Queue a manual run of a job now and return it."""
        job = changeable_job(info, id)
        return cast(JobLogType, job.run_now(triggered_by=require_user(info)))

    @strawberry_django.mutation(handle_django_errors=True)
    def cancel_run(self, info: Info, id: strawberry.ID) -> JobLogType:
        """Cancel a queued run, or ask the worker to stop a running one."""
        run = visible_run(info, id)
        if not may_change(require_user(info), run.job):
            raise NotAllowed("id", f"You may not cancel run {id!r}.")
        try:
            return cast(JobLogType, run.cancel())
        except RunFinished:
            raise InputError("id", f"Run {id!r} has already finished ({run.status}).") from None
