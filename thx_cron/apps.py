from __future__ import annotations

from django.apps import AppConfig


class ThxCronConfig(AppConfig):
    name = "thx_cron"
    label = "thx_cron"
    verbose_name = "thx-cron"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate
        from django.utils.module_loading import autodiscover_modules

        from thx_cron import checks, host_checks  # noqa: F401  (registers the system checks)
        from thx_cron.actions.builtin_actions import register_builtins
        from thx_cron.actions.registry import registry
        from thx_cron.conf import ThxCronSettings
        from thx_cron.q2_schedules import ensure_q2_schedules

        # Raw values here: a malformed one is skipped and reported by the checks (E005, E002, E021).
        register_builtins(registry, demo=ThxCronSettings.DEMO_ACTIONS.raw() is True)
        # THX_CRON_ACTIONS is read on each lookup, so that a changed setting takes effect.
        registry.add_source(ThxCronSettings.ACTIONS.raw)
        # Actions decorated with @thx_cron.action in each installed app's cron_actions module.
        autodiscover_modules("cron_actions")
        _import_action_modules(ThxCronSettings.ACTION_MODULES.raw())
        post_migrate.connect(ensure_q2_schedules, sender=self)
        post_migrate.connect(sync_declared_jobs, sender=self, dispatch_uid="thx_cron.declared.sync")
        from django_q.signals import pre_execute

        from thx_cron.runner.execution import remember_task

        pre_execute.connect(remember_task, dispatch_uid="thx_cron.remember_task")


def _import_action_modules(modules: object) -> None:
    """Import the operator's action modules (THX_CRON_ACTION_MODULES); errors are check E021."""
    from importlib import import_module

    if not isinstance(modules, list | tuple):
        return
    for module in modules:
        try:
            import_module(str(module))
        except Exception:  # noqa: BLE001, S110  (reported by check thx_cron.E021)
            pass


def sync_declared_jobs(sender: object, using: str = "default", **kwargs: object) -> None:
    """After migrate, bring declared jobs in line with the code (post_migrate)."""
    from thx_cron.declared.sync import sync_quietly

    sync_quietly("migrate", using=using)
