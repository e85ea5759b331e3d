"""Notification models: rules (who hears about what), deliveries (one message), the cursor."""

from thx_cron.security import visibility
from thx_cron_notifications.models.cursor import EventCursor
from thx_cron_notifications.models.delivery import NotificationDelivery
from thx_cron_notifications.models.rule import NotificationRule

# Who sees what: a rule by its owner, its deliveries with it (thx_cron/security/visibility.py).
visibility.register(NotificationRule, owner="owner")
visibility.register(NotificationDelivery, through="rule")

__all__ = ["EventCursor", "NotificationDelivery", "NotificationRule"]
