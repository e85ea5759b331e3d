from __future__ import annotations

from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "thx_cron.dashboard"
    label = "thx_cron_dashboard"
    verbose_name = "thx-cron dashboard"
