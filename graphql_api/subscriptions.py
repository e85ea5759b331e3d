"""Live run events over WebSocket, read from the outbox by the process's event reader."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import strawberry
from asgiref.sync import sync_to_async

from thx_cron import event_stream
from thx_cron.models import Job, JobEvent
from thx_cron.security import visibility
from thx_cron_graphql.errors import NotAllowed, NotFound
from thx_cron_graphql.ids import decode_id
from thx_cron_graphql.permissions import LOGIN_REQUIRED, Info, current_user
from thx_cron_graphql.types import JobEventType


class SubscriptionError(Exception):
    """A subscription that cannot start; the message says why."""


def _who(info: Info, job_id: strawberry.ID | None) -> tuple[Any, int | None]:
    user = current_user(info)
    if not user.is_authenticated:
        raise NotAllowed(None, LOGIN_REQUIRED)
    if job_id is None:
        return user, None
    pk = decode_id(job_id, "Job")
    if pk is None or not Job.objects.visible_to(user).filter(pk=pk).exists():
        raise NotFound("jobId", f"No job with id {job_id!r}.")
    return user, pk


@strawberry.type
class JobSubscriptions:
    @strawberry.subscription
    async def job_log_events(
        self,
        info: Info,
        job_id: strawberry.ID | None = None,
        after_event_id: strawberry.ID | None = None,
    ) -> AsyncGenerator[JobEventType, None]:
        """Run events (queued, started, output, finished) of one job or of every visible job.

        With `afterEventId`, first every missed event after that one, in order, then live ones.
        """
        try:
            user, only_job = await sync_to_async(_who)(info, job_id)
        except (NotAllowed, NotFound) as exc:
            raise SubscriptionError(" ".join(exc.messages)) from None
        after: int | None = None
        if after_event_id is not None:
            after = decode_id(after_event_id, "JobEvent")
            if after is None:
                raise SubscriptionError(f"afterEventId: {after_event_id!r} is not an event id.")
        sees = visibility.predicate(JobEvent, user)
        if only_job is None:
            accepts = sees
        else:

            def accepts(event: JobEvent) -> bool:
                return event.job_id == only_job and sees(event)

        async for event in event_stream.subscribe(accepts, after):
            yield event  # type: ignore[misc]
