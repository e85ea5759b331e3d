from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    label = "thx_cron_notifications"
    verbose_name = "thx-cron notifications"
    default_auto_field = "django.db.models.BigAutoField"
