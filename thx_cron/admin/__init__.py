"""Django admin for jobs (run now / pause / resume), runs (cancel / re-run), and django-q2's own
models kept out of sight unless THX_CRON_ADMIN_SHOW_DJANGO_Q is set."""

from __future__ import annotations

from django.contrib import admin

from thx_cron.admin.django_q import hide_django_q
from thx_cron.admin.jobs import JobAdmin, JobAdminForm, WallClockField
from thx_cron.admin.runs import JobLogAdmin

hide_django_q(admin.site)

__all__ = ["JobAdmin", "JobAdminForm", "JobLogAdmin", "WallClockField"]
