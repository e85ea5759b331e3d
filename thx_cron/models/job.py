"""Job: what to run, when, and how (its runtime summary: job_summary.py; tag lookups:
job_tags.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.timezone import now

from thx_cron.actions import registry
from thx_cron.conf import thx_settings
from thx_cron.models.choices import text_choices
from thx_cron.models.job_summary import RUN_SUMMARY_FIELDS, JobSummary
from thx_cron.models.job_tags import with_tag as _with_tag
from thx_cron.models.run import JobLog
from thx_cron.schedules.instants import is_naive, range_error, wall_to_instant
from thx_cron.schedules.misfire import MisfirePolicy
from thx_cron.schedules.schedule import InvalidSchedule, Kind, Schedule, parse_timezone
from thx_cron.schedules.schedule_fields import SCHEDULE_FIELDS, place_of, schedule_from_fields
from thx_cron.security import limits, visibility

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

# The fields that belong to each schedule kind other than cron (for inferring the kind).
_KIND_FIELDS = {
    "calendar": ("year", "month", "day", "hour", "minute", "weekday"),
    "interval": ("every_seconds",),
    "once": ("run_at",),
}
# Where "no future occurrence" is reported, by schedule kind.
_NO_FUTURE_FIELD = {"once": "run_at", "calendar": "year", "cron": "cron", "interval": "end_at"}
# Not part of the schedule, but a change to them changes the next run too.
_ALSO_RESCHEDULE = ("enabled", "max_runs")


class JobQuerySet(models.QuerySet["Job"]):
    def due(self, now: datetime) -> JobQuerySet:
        return self.filter(enabled=True, next_run_at__lte=now).order_by("next_run_at")

    def due_exactly(self, moment: datetime) -> JobQuerySet:
        """The enabled jobs whose next run is `moment` (claimed ahead of it, see dispatch)."""
        return self.filter(enabled=True, next_run_at=moment).order_by("pk")

    def next_run_time(self, after: datetime | None = None) -> datetime | None:
        """The earliest next run time of an enabled job (later than `after`, if given)."""
        upcoming = self.filter(enabled=True, next_run_at__isnull=False)
        if after is not None:
            upcoming = upcoming.filter(next_run_at__gt=after)
        moment: datetime | None = (
            upcoming.order_by("next_run_at").values_list("next_run_at", flat=True).first()
        )
        return moment

    def visible_to(self, user: visibility.User | None) -> JobQuerySet:
        """Jobs the user may see (thx_cron/security/visibility.py)."""
        return visibility.visible(self, user)

    def with_tag(self, tag: str) -> JobQuerySet:
        """Jobs tagged `tag` (thx_cron/models/job_tags.py)."""
        return _with_tag(self, tag)


class Job(JobSummary):
    ScheduleKind = text_choices("ScheduleKind", Kind)

    class Overlap(models.TextChoices):
        ALLOW = "allow", "allow (runs may overlap)"
        SKIP = "skip", "skip (while a run is running)"
        QUEUE = "queue", "queue (wait for the running run)"

    Misfire = text_choices(
        "Misfire",
        MisfirePolicy,
        {
            MisfirePolicy.RUN_ONCE: "run once (one catch-up run)",
            MisfirePolicy.SKIP: "skip missed occurrences",
            MisfirePolicy.RUN_ALL: "run all missed occurrences",
        },
    )

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="thx_cron_jobs",
    )
    tags = models.JSONField(default=list, blank=True)
    enabled = models.BooleanField(default=True)
    # Jobs declared in code (thx_cron.declared.sync): their key, and whether the code still declares
    # them.
    key = models.CharField(
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="The key of the declaration in code this job was synced from.",
    )
    declared = models.BooleanField(
        default=False,
        editable=False,
        help_text="Declared in code: its definition changes only with its declaration.",
    )

    action = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)

    schedule_kind = models.CharField(
        "schedule", max_length=16, choices=ScheduleKind.choices, default=Kind.CRON.value
    )
    cron = models.CharField("cron expression", max_length=200, blank=True, default="")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    day = models.PositiveSmallIntegerField(null=True, blank=True)
    hour = models.PositiveSmallIntegerField(null=True, blank=True)
    minute = models.PositiveSmallIntegerField(null=True, blank=True)
    weekday = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="0 = Monday … 6 = Sunday."
    )
    every_seconds = models.PositiveIntegerField(null=True, blank=True)
    run_at = models.DateTimeField("run at", null=True, blank=True)
    timezone = models.CharField("time zone", max_length=64, default="UTC")
    start_at = models.DateTimeField(null=True, blank=True)
    end_at = models.DateTimeField(null=True, blank=True)

    one_time = models.BooleanField(
        default=False, help_text="Run the next occurrence only, then disable the job."
    )
    max_runs = models.PositiveIntegerField(null=True, blank=True)
    timeout_seconds = models.PositiveIntegerField(null=True, blank=True)
    overlap_policy = models.CharField(max_length=8, choices=Overlap.choices, default=Overlap.SKIP)
    misfire_policy = models.CharField(
        max_length=8, choices=Misfire.choices, default=MisfirePolicy.RUN_ONCE.value
    )
    misfire_grace_seconds = models.PositiveIntegerField(null=True, blank=True)
    max_retries = models.PositiveSmallIntegerField(default=0)
    retry_backoff_seconds = models.PositiveIntegerField(default=30)

    next_run_at = models.DateTimeField(null=True, blank=True)
    # The runtime summary (last run, counters, streak): thx_cron/models/job_summary.py.
    created_at = models.DateTimeField(default=now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="thx_cron_job_name_per_owner"),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(owner__isnull=True),
                name="thx_cron_job_name_without_owner",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_run_at"], condition=Q(enabled=True), name="thx_cron_job_due"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    # --- persistence (a schedule change recomputes the next run) ---------------------------

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding:
            self.infer_schedule_kind()
        self.localise_run_at()
        if kwargs.get("update_fields") is None:
            rescheduled = self.pk is None or self.schedule_changed()
            if rescheduled:
                self.next_run_at = self.compute_next_run(now())
            if not self._state.adding and not args and not kwargs.get("force_insert"):
                kept = RUN_SUMMARY_FIELDS if rescheduled else RUN_SUMMARY_FIELDS | {"next_run_at"}
                kwargs["update_fields"] = [
                    field.name
                    for field in self._meta.concrete_fields
                    if not field.primary_key and field.name not in kept
                ]
        super().save(*args, **kwargs)
        self._loaded_schedule = self._schedule_signature()

    def infer_schedule_kind(self) -> None:
        """`Job(every_seconds=10)`: with no cron expression, the one kind whose fields are given."""
        if self.schedule_kind != Kind.CRON or self.cron:
            return
        given = {
            kind
            for kind, names in _KIND_FIELDS.items()
            if any(getattr(self, name) is not None for name in names)
        }
        if len(given) == 1:
            self.schedule_kind = given.pop()

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any, **kwargs: Any) -> Job:
        # Django 6.1 passes fetch_mode; 5.2 passes nothing more.
        instance = super().from_db(db, field_names, values, **kwargs)
        # Reading a deferred field here would reload the row through from_db, without end.
        if not instance.get_deferred_fields().intersection(SCHEDULE_FIELDS + _ALSO_RESCHEDULE):
            instance._loaded_schedule = instance._schedule_signature()
        return instance

    # --- schedule -------------------------------------------------------------------------------

    @property
    def schedule(self) -> Schedule:
        fields = {name: getattr(self, name) for name in SCHEDULE_FIELDS}
        return schedule_from_fields(fields, created_at=self.created_at)

    def localise_run_at(self) -> None:
        """Store a naive `run_at` as the instant it means: wall time in the job's zone.

        Left naive when the zone is unknown or the time out of range: validation names them.
        """
        run_at = self.run_at
        if run_at is None or not is_naive(run_at) or range_error(run_at) is not None:
            return
        try:
            self.run_at = wall_to_instant(run_at, parse_timezone(self.timezone))
        except InvalidSchedule:
            return

    def _schedule_signature(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in SCHEDULE_FIELDS + _ALSO_RESCHEDULE)

    def schedule_changed(self) -> bool:
        return getattr(self, "_loaded_schedule", None) != self._schedule_signature()

    def compute_next_run(self, after: datetime) -> datetime | None:
        """Return the first occurrence after `after` that this job may still run."""
        if not self.enabled:
            return None
        if self.max_runs is not None and self.occurrence_count >= self.max_runs:
            return None
        return self.schedule.next_after(after)

    @property
    def effective_timeout(self) -> int:
        return self.timeout_seconds or thx_settings.DEFAULT_TIMEOUT

    @property
    def effective_grace(self) -> timedelta:
        grace = self.misfire_grace_seconds
        return timedelta(seconds=thx_settings.MISFIRE_GRACE_SECONDS if grace is None else grace)

    # --- validation -----------------------------------------------------------------------------

    def clean(self) -> None:
        if self._state.adding:
            self.infer_schedule_kind()
        self.localise_run_at()
        errors = {name: [problem] for name, problem in self.limit_problems() if problem}
        try:
            self.schedule.validate()
        except InvalidSchedule as exc:
            message = exc.message
            if self.schedule_kind == Kind.CRON and not self.cron:
                message += (
                    " (schedule_kind is 'cron'; for another kind give its field: every_seconds, "
                    "run_at, or the calendar fields, or set schedule_kind)"
                )
            errors.setdefault(place_of(exc.field).field, []).append(message)
        if not errors.keys() & {"action", "args", "kwargs"}:
            try:
                registry.validate_call(self.action, self.args, self.kwargs)
            except registry.ActionError as exc:
                errors.setdefault(exc.field, []).append(exc.message)
        if "tags" not in errors and (
            not isinstance(self.tags, list)
            or not all(isinstance(tag, str) and tag.strip() for tag in self.tags)
        ):
            errors.setdefault("tags", []).append("Tags must be a list of non-empty strings.")
        if self.timeout_seconds is not None and not (
            1 <= self.timeout_seconds <= thx_settings.MAX_TIMEOUT
        ):
            errors.setdefault("timeout_seconds", []).append(
                f"Timeout must be between 1 and {thx_settings.MAX_TIMEOUT} seconds."
            )
        if self.max_retries > 100:
            errors.setdefault("max_retries", []).append("At most 100 retries.")
        if self.max_runs is not None and self.max_runs < 1:
            errors.setdefault("max_runs", []).append("Max runs must be at least 1 (or empty).")
        if not errors and self.enabled and (self.pk is None or self.schedule_changed()):
            # A new or rescheduled job that can never run again is almost surely a mistake.
            if self.schedule.next_after(now()) is None:
                field = _NO_FUTURE_FIELD.get(self.schedule_kind, "schedule_kind")
                if self.end_at is not None and self.end_at <= now():
                    field = "end_at"
                errors[field] = ["The schedule has no occurrence after now."]
        if errors:
            raise ValidationError(errors)

    def limit_problems(self) -> list[tuple[str, str | None]]:
        """Return (field, problem or None) for each text and list against
        thx_cron.security.limits."""
        json_bounds = (limits.MAX_ARGUMENTS_SIZE, limits.MAX_ARGUMENTS_DEPTH)
        return [
            ("name", limits.text_problem(self.name, limits.MAX_NAME)),
            ("description", limits.text_problem(self.description, limits.MAX_DESCRIPTION)),
            ("action", limits.text_problem(self.action, limits.MAX_NAME)),
            ("tags", limits.texts_problem(self.tags, limits.MAX_TAGS, limits.MAX_TAG, "tag")),
            ("args", limits.json_problem(self.args, *json_bounds)),
            ("kwargs", limits.json_problem(self.kwargs, *json_bounds)),
        ]

    # --- lifecycle (see thx_cron.lifecycle) -----------------------------------------------------

    def start(
        self,
        run: JobLog | None = None,
        *,
        worker: str = "",
        task_id: str = "",
        now: datetime | None = None,
        fair: bool = True,
    ) -> JobLog | None:
        """Claim `run` (or create a manual one) and mark it running (None: not this caller's)."""
        from thx_cron import lifecycle

        return lifecycle.start(self, run, worker=worker, task_id=task_id, now=now, fair=fair)

    def complete(
        self,
        run: JobLog,
        result: object = None,
        *,
        output: str | None = None,
        now: datetime | None = None,
    ) -> JobLog:
        """Mark `run` succeeded with `result`."""
        from thx_cron import lifecycle

        return lifecycle.complete(self, run, result, output=output, now=now)

    def error(
        self,
        run: JobLog,
        exc: BaseException | str,
        *,
        status: str = JobLog.Status.FAILED,
        output: str | None = None,
        retry: bool = True,
        now: datetime | None = None,
    ) -> JobLog:
        """Mark `run` failed (or timed out) with `exc`, and schedule a retry if any are left."""
        from thx_cron import lifecycle

        return lifecycle.error(self, run, exc, status=status, output=output, retry=retry, now=now)

    # --- operations: the one entry for each, used by the admin, GraphQL and the CLI --------------

    def run_now(self, *, triggered_by: AbstractBaseUser | None = None) -> JobLog:
        """Queue a manual run of the job, due now, and hand it to a worker at once."""
        from thx_cron import dispatch, lifecycle

        run = lifecycle.create_run(self, trigger=JobLog.Trigger.MANUAL, triggered_by=triggered_by)
        dispatch.enqueue_now(run)
        return run

    def run_in_foreground(self, *, triggered_by: AbstractBaseUser | None = None) -> JobLog:
        """Run the job now in this process (its output echoed to the terminal), without retries."""
        from thx_cron import lifecycle
        from thx_cron.runner import execution

        run = lifecycle.create_run(self, trigger=JobLog.Trigger.MANUAL, triggered_by=triggered_by)
        return execution.run_in_foreground(run)

    def pause(self) -> None:
        """Disable the job and cancel its queued scheduled runs and retries (not manual ones)."""
        from thx_cron import lifecycle

        self.enabled = False
        self.save()
        waiting = self.runs.filter(status=JobLog.Status.QUEUED).exclude(
            trigger=JobLog.Trigger.MANUAL
        )
        for run in waiting:
            lifecycle.cancel(run)

    def resume(self) -> None:
        """Enable the job again: it is dispatched from its next occurrence after now."""
        self.enabled = True
        self.save()
