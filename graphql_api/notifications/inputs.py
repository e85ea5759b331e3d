"""Input of rule mutations: every field optional, so updates change only what is given."""

from __future__ import annotations

import strawberry

from thx_cron_graphql.notifications.types import NotificationEvent, NotificationScope


@strawberry.input
class NotificationRuleInput:
    name: str | None = strawberry.UNSET
    urls: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Apprise URLs; write-only, read back masked."
    )
    events: list[NotificationEvent] | None = strawberry.UNSET
    scope: NotificationScope | None = strawberry.UNSET
    job_ids: list[strawberry.ID] | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET
    min_consecutive_failures: int | None = strawberry.UNSET
    throttle_seconds: int | None = strawberry.UNSET
    slower_than_seconds: float | None = strawberry.field(
        default=strawberry.UNSET,
        description='"slow": a run that took longer than this many seconds (null: no limit).',
    )
    slower_than_median_factor: float | None = strawberry.field(
        default=strawberry.UNSET,
        description='"slow": a run that took longer than this many times (more than 1) the '
        "median of the job's last `medianOfLastRuns` succeeded runs.",
    )
    median_of_last_runs: int | None = strawberry.field(
        default=strawberry.UNSET, description="How many succeeded runs the median covers (20)."
    )
    faster_than_seconds: float | None = strawberry.field(
        default=strawberry.UNSET,
        description='"fast": a succeeded run that took less than this many seconds.',
    )
    running_longer_than_seconds: int | None = strawberry.field(
        default=strawberry.UNSET,
        description='"running_long": a run still running this many seconds after its start '
        "(checked by the minute sweep).",
    )
    title_template: str | None = strawberry.UNSET
    body_template: str | None = strawberry.UNSET
    enabled: bool | None = strawberry.UNSET
