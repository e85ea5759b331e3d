"""The dashboard's one page; its views are routed in the browser (`#/jobs/…`)."""

from __future__ import annotations

from django.urls import path

from thx_cron.dashboard.views import dashboard

urlpatterns = [path("", dashboard, name="thx_cron_dashboard")]
