"""Queries: the caller's notification rules and deliveries."""

from __future__ import annotations

import strawberry
from strawberry_django.relay import DjangoListConnection

from thx_cron_graphql.connections import connection
from thx_cron_graphql.notifications.types import NotificationDeliveryType, NotificationRuleType


@strawberry.type
class NotificationQueries:
    notification_rules: DjangoListConnection[NotificationRuleType] = connection(
        "NotificationRule", description="Notification rules the caller may see."
    )
    notification_deliveries: DjangoListConnection[NotificationDeliveryType] = connection(
        "NotificationDelivery", description="Deliveries of the rules the caller may see."
    )
