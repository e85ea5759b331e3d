"""The run admin: read-only runs titled by their job, output first, with cancel and re-run."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from thx_cron.admin import display
from thx_cron.admin.jobs import user_of
from thx_cron.models import JobLog, RunFinished
from thx_cron.security.ownership import may_change


def _zone(run: object) -> str:
    return run.job.timezone if isinstance(run, JobLog) else "UTC"


@admin.register(JobLog)
class JobLogAdmin(admin.ModelAdmin):
    change_form_template = "admin/thx_cron/joblog/change_form.html"
    list_display = (
        "id",
        "job",
        "status_badge",
        "trigger",
        "scheduled",
        "started",
        "duration",
        "attempt",
    )
    list_filter = ("status", "trigger", ("queued_at", admin.DateFieldListFilter), "job")
    search_fields = ("job__name", "error")
    list_select_related = ("job",)
    date_hierarchy = "queued_at"
    fieldsets = (
        ("Output", {"fields": ("output_text", "error", "traceback_text", "result")}),
        (
            "Run",
            {
                "fields": (
                    "job_link",
                    "status_badge",
                    "trigger",
                    "attempt",
                    "retry_of",
                    "triggered_by",
                    "cancel_requested",
                    "duration",
                )
            },
        ),
        (
            "Times",
            {
                "fields": (
                    "scheduled",
                    "due",
                    "queued",
                    "enqueued",
                    "started",
                    "finished",
                    "heartbeat",
                    "deadline",
                )
            },
        ),
        ("Worker", {"fields": ("worker", "host", "pid", "task_id")}),
    )

    scheduled = display.instant_column("scheduled_for", "scheduled for", _zone, long=True)
    due = display.instant_column("due_at", "due at", _zone, long=True)
    queued = display.instant_column("queued_at", "queued at", _zone, long=True)
    enqueued = display.instant_column("enqueued_at", "enqueued at", _zone, long=True)
    started = display.instant_column("started_at", "started at", _zone, long=True)
    finished = display.instant_column("finished_at", "finished at", _zone, long=True)
    heartbeat = display.instant_column("heartbeat_at", "last heartbeat", _zone, long=True)
    deadline = display.instant_column("deadline_at", "deadline", _zone, long=True)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        names = [name for _, options in self.fieldsets for name in options["fields"]]
        return [name for name in names if isinstance(name, str)]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("job")

    @admin.display(description="status", ordering="status")
    def status_badge(self, run: JobLog) -> SafeString | str:
        return display.status_badge(run.status)

    @admin.display(description="duration", ordering="duration_seconds")
    def duration(self, run: JobLog) -> str:
        return display.duration(run.duration_seconds)

    @admin.display(description="job")
    def job_link(self, run: JobLog) -> SafeString:
        url = reverse("admin:thx_cron_job_change", args=[run.job_id])
        return format_html('<a href="{}">{}</a>', url, run.job.name)

    @admin.display(description="output")
    def output_text(self, run: JobLog) -> SafeString:
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', run.output or "")

    @admin.display(description="traceback")
    def traceback_text(self, run: JobLog) -> SafeString:
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', run.traceback or "")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> HttpResponse:
        run = kwargs.get("obj")
        if isinstance(run, JobLog):
            allowed = may_change(request.user, run.job)
            context["may_cancel"] = allowed and not run.is_finished
            context["may_rerun"] = allowed
        return super().render_change_form(request, context, *args, **kwargs)

    # --- operations (each one JobLog method, see docs/python-api.md) ------------------------------

    def get_urls(self) -> list[URLPattern]:
        cancel = self.admin_site.admin_view(require_POST(self.cancel_view))
        rerun = self.admin_site.admin_view(require_POST(self.rerun_view))
        return [
            path("<path:object_id>/cancel/", cancel, name="thx_cron_joblog_cancel"),
            path("<path:object_id>/rerun/", rerun, name="thx_cron_joblog_rerun"),
            *super().get_urls(),
        ]

    def _changeable_run(self, request: HttpRequest, object_id: str) -> JobLog | None:
        run = self.get_object(request, object_id) if object_id.isdigit() else None
        if run is None:
            raise Http404("No such run.")
        if not may_change(request.user, run.job):
            self.message_user(
                request,
                "You may not change this job's runs: that needs the change permission.",
                messages.ERROR,
            )
            return None
        return run

    def cancel_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        run = self._changeable_run(request, object_id)
        if run is not None:
            try:
                run = run.cancel()
            except RunFinished as exc:
                self.message_user(request, str(exc), messages.WARNING)
            else:
                done = (
                    "Cancelled."
                    if run.status == JobLog.Status.CANCELLED
                    else "Asked its worker to stop it: it ends at its next heartbeat."
                )
                self.message_user(request, f"Run {run.pk}: {done}", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:thx_cron_joblog_change", args=[object_id]))

    def rerun_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        run = self._changeable_run(request, object_id)
        if run is None:
            return HttpResponseRedirect(reverse("admin:thx_cron_joblog_change", args=[object_id]))
        new = run.rerun(triggered_by=user_of(request))
        self.message_user(
            request, f"Queued run {new.pk} of {run.job.name} (a re-run of {run.pk}).", "success"
        )
        return HttpResponseRedirect(reverse("admin:thx_cron_joblog_change", args=[new.pk]))
