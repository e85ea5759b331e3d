"""Who the caller is and what they may do: shared by every resolver of the API.

Who sees what is ``thx_cron.security.visibility`` (anonymous callers nothing, staff and superusers
all, others their own), who changes what ``thx_cron.security.ownership`` (owners, or the Django
model permission such as ``thx_cron.change_job``): this API and the admin read both from there.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from django.contrib.auth.models import AnonymousUser
from strawberry.types import Info as StrawberryInfo
from strawberry_django.auth.utils import get_current_user

from thx_cron.models import Job, JobLog
from thx_cron.security.ownership import may_change
from thx_cron_graphql.errors import NotAllowed, NotFound
from thx_cron_graphql.ids import decode_id

# Resolvers receive this; the context is Django's (HTTP) or Channels' (WebSocket).
Info: TypeAlias = StrawberryInfo[Any, None]

LOGIN_REQUIRED = "Log in or send an API token to use this operation."


def current_user(info: Info) -> Any:
    """Return the user of this request (AnonymousUser when there is none)."""
    try:
        return get_current_user(info)
    except ValueError:
        return AnonymousUser()


def require_user(info: Info) -> Any:
    """Return the authenticated user, or raise NotAllowed."""
    user = current_user(info)
    if not user.is_authenticated:
        raise NotAllowed(None, LOGIN_REQUIRED)
    return user


def visible_job(info: Info, job_id: Any, field: str = "id") -> Job:
    """Return the job with `job_id` if the user may see it, or raise NotFound naming `field`."""
    user = require_user(info)
    pk = decode_id(job_id, "Job")
    job = Job.objects.visible_to(user).filter(pk=pk).first() if pk is not None else None
    if job is None:
        raise NotFound(field, f"No job with id {job_id!r}.")
    return job


def changeable_job(info: Info, job_id: Any, field: str = "id", permission: str = "change") -> Job:
    """Return the job with `job_id` if the user may change it, or raise NotFound / NotAllowed."""
    job = visible_job(info, job_id, field)
    if not may_change(current_user(info), job, permission):
        raise NotAllowed(field, f"You may not {permission} job {job_id!r}.")
    return job


def visible_run(info: Info, run_id: Any, field: str = "id") -> JobLog:
    """Return the run with `run_id` if the user may see it, or raise NotFound naming `field`."""
    user = require_user(info)
    pk = decode_id(run_id, "JobLog")
    found = JobLog.objects.visible_to(user).select_related("job")
    run = found.filter(pk=pk).first() if pk is not None else None
    if run is None:
        raise NotFound(field, f"No run with id {run_id!r}.")
    return run
