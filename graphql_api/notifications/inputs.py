"""Input of rule mutations: every field optional, so updates change only what is given."""

from __future__ import annotations

import strawberry


@strawberry.input
class NotificationRuleInput:
    name: str | None = strawberry.UNSET
    urls: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Apprise URLs; write-only, read back masked."
    )
    events: list[str] | None = strawberry.UNSET
    scope: str | None = strawberry.UNSET
    job_ids: list[strawberry.ID] | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET
    min_consecutive_failures: int | None = strawberry.UNSET
    throttle_seconds: int | None = strawberry.UNSET
    title_template: str | None = strawberry.UNSET
    body_template: str | None = strawberry.UNSET
    enabled: bool | None = strawberry.UNSET
