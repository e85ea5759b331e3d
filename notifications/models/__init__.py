"""Notification models: rules (who hears about what), deliveries (one message), the cursor."""

from thx_cron_notifications.models.cursor import EventCursor
from thx_cron_notifications.models.delivery import NotificationDelivery
from thx_cron_notifications.models.rule import NotificationRule

__all__ = ["EventCursor", "NotificationDelivery", "NotificationRule"]
