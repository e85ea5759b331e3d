"""Notification models: rules (who hears about what), deliveries (one message), the cursor."""

from notifications.models.cursor import EventCursor
from notifications.models.delivery import NotificationDelivery
from notifications.models.rule import NotificationRule

__all__ = ["EventCursor", "NotificationDelivery", "NotificationRule"]
