"""The job admin: a form with one schedule kind's fields at a time and an action picker, the
job's recent runs, and run now / pause / resume."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from thx_cron.actions.registry import registry
from thx_cron.admin import display
from thx_cron.declared.declarations import DEFINITION_FIELDS
from thx_cron.models import Job
from thx_cron.models.job_summary import RUN_SUMMARY_FIELDS
from thx_cron.schedules.schedule import InvalidSchedule, parse_timezone
from thx_cron.security.ownership import OwnedObjectAdmin, may_change

PREVIEW_COUNT = 5
RECENT_RUNS = 10
# Each schedule kind's fields have a fieldset of their own, classed for schedule_kind.js.
KIND_FIELDSETS = {f"{kind.label} schedule": kind.value for kind in Job.ScheduleKind}
NOT_REGISTERED = "{name} (not registered)"


class WallClockField(forms.SplitDateTimeField):
    """A date and time as typed, naive: the job's zone decides the instant (see Job.clean)."""

    def compress(self, data_list: Any) -> datetime | None:
        if not data_list or data_list[0] in self.empty_values:
            return None
        if data_list[1] in self.empty_values:
            raise forms.ValidationError(self.error_messages["invalid_time"], code="invalid_time")
        return datetime.combine(*data_list)


def action_choices(current: str) -> list[tuple[str, str]]:
    """Return the registered actions to pick from, with `current` kept even if unknown."""
    choices = [("", "---------")]
    for action in registry.all():
        summary = action.description.strip().splitlines()[0] if action.description else ""
        choices.append((action.name, f"{action.name}: {summary}" if summary else action.name))
    if current and all(name != current for name, _ in choices):
        choices.append((current, NOT_REGISTERED.format(name=current)))
    return choices


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
        action = self.fields.get("action")
        if action is not None:
            # A text field shown as a select: the model names an unregistered action itself.
            current = self.data.get(self.add_prefix("action")) if self.is_bound else None
            current = str(current or self.instance.action or "")
            action.widget = forms.Select(choices=action_choices(current))
            action.help_text = "One of the actions the code registered."


def _job_zone(job: object) -> str:
    return job.timezone if isinstance(job, Job) else "UTC"


@admin.register(Job)
class JobAdmin(OwnedObjectAdmin, admin.ModelAdmin):
    form = JobAdminForm
    change_form_template = "admin/thx_cron/job/change_form.html"
    list_display = (
        "name",
        "owner",
        "enabled",
        "schedule_text",
        "next_run",
        "last_status_badge",
    )
    list_filter = ("enabled", "schedule_kind", "last_status", "overlap_policy")
    list_select_related = ("owner",)  # nullable: Django's automatic select_related skips it
    search_fields = ("name", "description", "action")
    actions = ("run_now", "pause", "resume")
    # What runs record is shown, never edited (see Job.save).
    readonly_fields = (
        "next_occurrences",
        "next_run_at_long",
        "recent_runs",
        "last_run_link",
        "last_run_time",
        "last_status_badge",
        *sorted(RUN_SUMMARY_FIELDS - {"last_run", "last_run_at", "last_status"}),
        "created",
        "updated",
    )
    fieldsets = (
        (None, {"fields": ("name", "description", "owner", "tags", "enabled", "declared_as")}),
        ("Action", {"fields": ("action", "args", "kwargs")}),
        (
            "Schedule",
            {"fields": ("schedule_kind", "timezone"), "classes": ("thx-schedule",)},
        ),
        ("Cron schedule", {"fields": ("cron",), "classes": ("thx-kind", "thx-kind-cron")}),
        (
            "Calendar schedule",
            {
                "fields": (("year", "month", "day", "hour", "minute", "weekday"),),
                "classes": ("thx-kind", "thx-kind-calendar"),
            },
        ),
        (
            "Interval schedule",
            {"fields": ("every_seconds",), "classes": ("thx-kind", "thx-kind-interval")},
        ),
        ("Once schedule", {"fields": ("run_at",), "classes": ("thx-kind", "thx-kind-once")}),
        (
            "Window and limits",
            {
                "fields": (
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
                    "next_run_at_long",
                    ("last_run_link", "last_run_time", "last_status_badge"),
                    "consecutive_failures",
                    ("occurrence_count", "run_count", "success_count", "failure_count"),
                    ("created", "updated"),
                )
            },
        ),
        ("Recent runs", {"fields": ("recent_runs",)}),
    )

    class Media:
        js = ("thx_cron/admin/schedule_kind.js",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = (*self.readonly_fields, "declared_as")
        if obj is not None and obj.declared:
            # Its declaration in code owns the definition; pause, resume and run now still work.
            return (*DEFINITION_FIELDS, "owner", *fields)
        return fields

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:  # nothing recorded yet
            return [fs for fs in self.fieldsets if fs[0] not in ("Status", "Recent runs")]
        if obj.declared:  # read-only: its own kind's fields only, without the script
            return [
                fs
                for fs in self.fieldsets
                if KIND_FIELDSETS.get(str(fs[0]), obj.schedule_kind) == obj.schedule_kind
            ]
        return self.fieldsets

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

    # --- what is shown ----------------------------------------------------------------------------

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

    next_run = display.instant_column("next_run_at", "next run", _job_zone)
    next_run_at_long = display.instant_column("next_run_at", "next run", _job_zone, long=True)
    last_run_time = display.instant_column("last_run_at", "last run at", _job_zone)
    created = display.instant_column("created_at", "created", _job_zone)
    updated = display.instant_column("updated_at", "updated", _job_zone)

    @admin.display(description="last status", ordering="last_status")
    def last_status_badge(self, job: Job) -> SafeString | str:
        return display.status_badge(job.last_status)

    @admin.display(description="last run")
    def last_run_link(self, job: Job) -> SafeString | str:
        if job.last_run_id is None:
            return display.EMPTY
        url = reverse("admin:thx_cron_joblog_change", args=[job.last_run_id])
        return format_html('<a href="{}">run {}</a>', url, job.last_run_id)

    @admin.display(description="next occurrences")
    def next_occurrences(self, job: Job) -> SafeString | str:
        if job.pk is None:
            return "Shown once the job is saved."
        try:
            moments = job.schedule.occurrences(timezone.now(), PREVIEW_COUNT)
        except (InvalidSchedule, ValueError) as exc:
            return f"invalid schedule: {exc}"
        if not moments:
            return "No further occurrences."
        zone = display.zone_of(job.timezone)
        rows = [(display.instant(moment, zone, long=True),) for moment in moments]
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", rows))

    @admin.display(description="recent runs")
    def recent_runs(self, job: Job) -> SafeString | str:
        runs = list(job.runs.order_by("-queued_at", "-id")[:RECENT_RUNS])
        if not runs:
            return "No runs yet."
        zone = display.zone_of(job.timezone)
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">run {}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    reverse("admin:thx_cron_joblog_change", args=[run.pk]),
                    run.pk,
                    display.status_badge(run.status),
                    run.get_trigger_display(),
                    display.instant(run.started_at or run.queued_at, zone),
                    display.duration(run.duration_seconds),
                )
                for run in runs
            ),
        )
        every = reverse("admin:thx_cron_joblog_changelist") + f"?job__id__exact={job.pk}"
        return format_html(
            '<table class="thx-recent-runs"><thead><tr><th>run</th><th>status</th>'
            "<th>trigger</th><th>started (or queued)</th><th>duration</th></tr></thead>"
            '<tbody>{}</tbody></table><p><a href="{}">All runs of this job</a></p>',
            rows,
            every,
        )

    # --- operations (each one Job method, see docs/python-api.md) ---------------------------------

    def get_urls(self) -> list[URLPattern]:
        run_now = self.admin_site.admin_view(require_POST(self.run_now_view))
        return [
            path("<path:object_id>/run-now/", run_now, name="thx_cron_job_run_now"),
            *super().get_urls(),
        ]

    def run_now_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        job = get_object_or_404(Job, pk=object_id) if object_id.isdigit() else None
        if job is None:
            raise Http404("No such job.")
        change_url = reverse("admin:thx_cron_job_change", args=[job.pk])
        if not may_change(request.user, job):
            self.message_user(
                request, "You may not run this job: that needs the change permission.", "error"
            )
            return HttpResponseRedirect(change_url)
        run = job.run_now(triggered_by=user_of(request))
        run_url = reverse("admin:thx_cron_joblog_change", args=[run.pk])
        self.message_user(
            request,
            format_html('Queued <a href="{}">run {}</a> of {}.', run_url, run.pk, job.name),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(change_url)

    @admin.action(description="Run selected jobs now")
    def run_now(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        jobs, refused = self.changeable(request, queryset)
        for job in jobs:
            job.run_now(triggered_by=user_of(request))
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


def user_of(request: HttpRequest) -> AbstractBaseUser | None:
    """The admin's user (always one: admin views require a staff login)."""
    user = request.user
    return user if isinstance(user, AbstractBaseUser) else None
