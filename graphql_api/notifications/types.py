"""GraphQL types of notification rules and deliveries; URLs only ever appear masked."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeAlias

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import relay

from thx_cron.security import visibility
from thx_cron_graphql.permissions import Info, current_user
from thx_cron_graphql.types import JobLogType, JobType
from thx_cron_notifications.models import NotificationDelivery, NotificationRule
from thx_cron_notifications.rules import Event

# One convention with the jobs' fields: the models' choices are the API's enums (for events, the
# pure enum NotificationRule.Event is built from).
NotificationEvent: TypeAlias = Event
NotificationScope: TypeAlias = NotificationRule.Scope
DeliveryStatus: TypeAlias = NotificationDelivery.Status
strawberry.enum(NotificationEvent, name="NotificationEvent")
strawberry.enum(NotificationScope, name="NotificationScope")
strawberry.enum(DeliveryStatus, name="DeliveryStatus")


@strawberry_django.type(NotificationRule, name="NotificationRule")
class NotificationRuleType(relay.Node):
    _id_attr = "pk"
    name: str
    events: list[NotificationEvent]
    scope: NotificationScope
    tags: list[str]
    jobs: list[JobType]
    min_consecutive_failures: int
    throttle_seconds: int
    slower_than_seconds: float | None
    slower_than_median_factor: float | None
    median_of_last_runs: int
    faster_than_seconds: float | None
    running_longer_than_seconds: int | None
    title_template: str
    body_template: str
    enabled: bool
    created_at: datetime
    updated_at: datetime

    @strawberry_django.field(only=["urls"], description="The Apprise URLs, masked.")
    def urls(self, root: NotificationRule) -> list[str]:
        return root.masked_urls

    # The optimizer hands nested selections a plain QuerySet (no visible_to).
    @classmethod
    def get_queryset(cls, queryset: QuerySet[Any], info: Info, **kwargs: Any) -> QuerySet:
        return visibility.visible(queryset, current_user(info))


@strawberry_django.type(NotificationDelivery, name="NotificationDelivery")
class NotificationDeliveryType(relay.Node):
    _id_attr = "pk"
    rule: NotificationRuleType
    run: JobLogType | None
    event: str = strawberry_django.field(
        description="The rule's event this delivery tells about (lowercase), or test."
    )
    status: DeliveryStatus
    title: str
    body: str
    attempts: int

    @strawberry_django.field(
        only=["last_error", "rule__urls"],
        select_related=["rule"],
        description="Why the last attempt failed, with every secret masked.",
    )
    def last_error(self, root: NotificationDelivery) -> str:
        return root.masked_error

    occurred_at: datetime
    created_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime
    sent_at: datetime | None

    @classmethod
    def get_queryset(cls, queryset: QuerySet[Any], info: Info, **kwargs: Any) -> QuerySet:
        return visibility.visible(queryset, current_user(info))


@strawberry.type
class DeletedNotificationRule:
    id: strawberry.ID
    name: str


@strawberry.type
class NotificationTestResult:
    ok: bool
    error: str | None
