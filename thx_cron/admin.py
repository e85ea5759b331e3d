"""Django admin for jobs (with run now / pause / resume) and read-only runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from thx_cron import dispatch, lifecycle
from thx_cron.declarations import DEFINITION_FIELDS
from thx_cron.models import Job, JobLog
from thx_cron.models.job import RUN_SUMMARY_FIELDS
from thx_cron.ownership import OwnedObjectAdmin
from thx_cron.schedule import InvalidSchedule, parse_timezone

PREVIEW_COUNT = 5


class WallClockField(forms.SplitDateTimeField):
    """A date and time as typed, naive: the job's zone decides the instant (see Job.clean)."""

    def compress(self, data_list: Any) -> datetime | None:
        if not data_list or data_list[0] in self.empty_values:
            return None
        if data_list[1] in self.empty_values:
            raise forms.ValidationError(self.error_messages["invalid_time"], code="invalid_time")
        return datetime.combine(*data_list)


class JobAdminForm(forms.ModelForm):
    run_at = WallClockField(
        label="run at",
        required=False,
        widget=widgets.AdminSplitDateTime,
        help_text="Wall-clock time in the job's time zone (a skipped time means the jump, a "
        "repeated one its first pass).",
    )

    class Meta:
        model = Job
        fields = ("run_at",)  # the admin adds the others from its fieldsets

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        run_at = self.instance.run_at
        if run_at is not None and run_at.tzinfo is not None:
            try:
                zone = parse_timezone(self.instance.timezone)
                self.initial["run_at"] = run_at.astimezone(zone).replace(tzinfo=None)
            except (InvalidSchedule, OverflowError):
                self.initial["run_at"] = run_at.replace(tzinfo=None)


@admin.register(Job)
class JobAdmin(OwnedObjectAdmin, admin.ModelAdmin):
    form = JobAdminForm
    list_display = ("name", "owner", "enabled", "schedule_text", "next_run_at", "last_status")
    list_filter = ("enabled", "schedule_kind", "last_status", "overlap_policy")
    search_fields = ("name", "description", "action")
    actions = ("run_now", "pause", "resume")
    # What runs record is shown, never edited (see Job.save).
    readonly_fields = (
        "next_occurrences",
        "next_run_at",
        *sorted(RUN_SUMMARY_FIELDS),
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("name", "description", "owner", "tags", "enabled", "declared_as")}),
        ("Action", {"fields": ("action", "args", "kwargs")}),
        (
            "Schedule",
            {
                "fields": (
                    "schedule_kind",
                    "cron",
                    ("year", "month", "day", "hour", "minute", "weekday"),
                    "every_seconds",
                    "run_at",
                    "timezone",
                    ("start_at", "end_at"),
                    "one_time",
                    "max_runs",
                    "next_occurrences",
                )
            },
        ),
        (
            "Policies",
            {
                "fields": (
                    "timeout_seconds",
                    "overlap_policy",
                    ("misfire_policy", "misfire_grace_seconds"),
                    ("max_retries", "retry_backoff_seconds"),
                )
            },
        ),
        (
            "Status",
            {
                "fields": (
                    "next_run_at",
                    ("last_run", "last_run_at", "last_status"),
                    "consecutive_failures",
                    ("occurrence_count", "run_count", "success_count", "failure_count"),
                    ("created_at", "updated_at"),
                )
            },
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = (*self.readonly_fields, "declared_as")
        if obj is not None and obj.declared:
            # Its declaration in code owns the definition; pause, resume and run now still work.
            return (*DEFINITION_FIELDS, "owner", *fields)
        return fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.declared:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        declared = list(queryset.filter(declared=True).values_list("name", flat=True))
        if declared:
            self.message_user(
                request,
                f"Not deleted, declared in code: {', '.join(declared)}.",
                messages.WARNING,
            )
        super().delete_queryset(request, queryset.filter(declared=False))

    @admin.display(description="declared in code")
    def declared_as(self, job: Job) -> str:
        if job.declared:
            return f"yes, key {job.key!r}: change its declaration to change it"
        if job.key:
            return f"no longer (key {job.key!r}); disabled when its declaration was removed"
        return "no"

    @admin.display(description="schedule")
    def schedule_text(self, job: Job) -> str:
        return job.schedule.describe()  # never raises

    @admin.display(description="next occurrences")
    def next_occurrences(self, job: Job) -> str:
        if job.pk is None:
            return "Shown once the job is saved."
        try:
            moments = job.schedule.occurrences(timezone.now(), PREVIEW_COUNT)
        except (InvalidSchedule, ValueError) as exc:
            return f"invalid schedule: {exc}"
        if not moments:
            return "No further occurrences."
        zone = job.schedule.zone if hasattr(job.schedule, "zone") else None
        rows = [(m.astimezone(zone).isoformat() if zone else m.isoformat(),) for m in moments]
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", rows))

    @admin.action(description="Run selected jobs now")
    def run_now(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        jobs, refused = self.changeable(request, queryset)
        for job in jobs:
            run = lifecycle.create_run(
                job, trigger=JobLog.Trigger.MANUAL, triggered_by=request.user
            )
            dispatch.enqueue_now(run)
        self._report(request, f"Queued {len(jobs)} run(s).", refused)

    @admin.action(description="Pause selected jobs")
    def pause(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        jobs, refused = self.changeable(request, queryset)
        for job in jobs:
            job.pause()
        self._report(request, f"Paused {len(jobs)} job(s).", refused)

    @admin.action(description="Resume selected jobs")
    def resume(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        jobs, refused = self.changeable(request, queryset)
        for job in jobs:
            job.resume()
        self._report(request, f"Resumed {len(jobs)} job(s).", refused)

    def _report(self, request: HttpRequest, done: str, refused: int) -> None:
        self.message_user(request, done, messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                f"Left {refused} job(s) of other users alone: that needs the change permission.",
                messages.WARNING,
            )


@admin.register(JobLog)
class JobLogAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "job",
        "status",
        "trigger",
        "scheduled_for",
        "started_at",
        "duration_seconds",
        "attempt",
    )
    list_filter = ("status", "trigger", ("queued_at", admin.DateFieldListFilter), "job")
    search_fields = ("job__name", "error")
    list_select_related = ("job",)
    date_hierarchy = "queued_at"
    exclude = ("output", "traceback")
    readonly_fields = ("output_text", "traceback_text")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = [f.name for f in JobLog._meta.fields if f.name not in ("output", "traceback")]
        return [*fields, "output_text", "traceback_text"]

    @admin.display(description="output")
    def output_text(self, run: JobLog) -> str:
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', run.output or "")

    @admin.display(description="traceback")
    def traceback_text(self, run: JobLog) -> str:
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', run.traceback or "")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
