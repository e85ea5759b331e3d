"""Hide django-q2's own admin ("Task queue": schedules, successes, failures, queued tasks).

They look like a second scheduler next to thx-cron's jobs and runs. They stay registered (their
URLs exist) but refuse every permission unless THX_CRON_ADMIN_SHOW_DJANGO_Q is true, read on
each request, so the index, the sidebar and their pages show nothing of them.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import admin
from django.http import HttpRequest

from thx_cron.conf import thx_settings


class HiddenUnlessShown:
    """ModelAdmin mixin: no permission at all while THX_CRON_ADMIN_SHOW_DJANGO_Q is false."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        shown = thx_settings.ADMIN_SHOW_DJANGO_Q
        return shown and super().has_module_permission(request)  # type: ignore[misc, no-any-return]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        shown = thx_settings.ADMIN_SHOW_DJANGO_Q
        return shown and super().has_view_permission(request, obj)  # type: ignore[misc, no-any-return]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        shown = thx_settings.ADMIN_SHOW_DJANGO_Q
        return shown and super().has_add_permission(request, *args)  # type: ignore[misc, no-any-return]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        shown = thx_settings.ADMIN_SHOW_DJANGO_Q
        return shown and super().has_change_permission(request, obj)  # type: ignore[misc, no-any-return]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        shown = thx_settings.ADMIN_SHOW_DJANGO_Q
        return shown and super().has_delete_permission(request, obj)  # type: ignore[misc, no-any-return]


def hide_django_q(site: admin.AdminSite) -> list[str]:
    """Re-register each django-q2 model admin on `site` behind the setting; return their names."""
    if not apps.is_installed("django_q"):
        return []
    import django_q.admin  # noqa: F401  (registers them first, whatever the INSTALLED_APPS order)

    hidden = []
    for model in apps.get_app_config("django_q").get_models():
        if not site.is_registered(model):
            continue
        original = type(site.get_model_admin(model))
        if issubclass(original, HiddenUnlessShown):
            continue
        site.unregister(model)
        site.register(model, type(f"Hidden{original.__name__}", (HiddenUnlessShown, original), {}))
        hidden.append(model._meta.model_name or model.__name__)
    return hidden
