"""Queries: the caller's notification rules and deliveries."""

from __future__ import annotations

import strawberry
import strawberry_django
from strawberry_django.relay import DjangoListConnection

from thx_cron_graphql.notifications.types import NotificationDeliveryType, NotificationRuleType


@strawberry.type
class NotificationQueries:
    notification_rules: DjangoListConnection[NotificationRuleType] = strawberry_django.connection(
        description="Notification rules the caller may see."
    )
    notification_deliveries: DjangoListConnection[NotificationDeliveryType] = (
        strawberry_django.connection(description="Deliveries of the rules the caller may see.")
    )
