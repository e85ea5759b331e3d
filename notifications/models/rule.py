"""NotificationRule: which job events a user (or the operator) wants to hear about, and where."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from thx_cron import durations
from thx_cron.models.choices import text_choices
from thx_cron.security import limits, visibility
from thx_cron_notifications import notifier, rendering
from thx_cron_notifications import rules as matching

# Compared by equality: an event given as a list or a mapping is reported, never hashed.
_EVENT_VALUES = tuple(matching.Event)

MAX_URLS = limits.MAX_URLS


class NotificationRuleQuerySet(models.QuerySet["NotificationRule"]):
    def visible_to(self, user: visibility.User | None) -> NotificationRuleQuerySet:
        """Rules the user may see (thx_cron/security/visibility.py)."""
        return visibility.visible(self, user)

    def active(self) -> NotificationRuleQuerySet:
        return self.filter(enabled=True)

    def for_owner(self, owner_id: int | None) -> NotificationRuleQuerySet:
        """Enabled rules that may see a job of `owner_id`: the owner's and the operator's."""
        return self.active().filter(Q(owner__isnull=True) | Q(owner_id=owner_id))


class NotificationRule(models.Model):
    Event = text_choices(
        "Event",
        matching.Event,
        {matching.Event.TIMED_OUT: "timed out", matching.Event.RUNNING_LONG: "running long"},
    )

    class Scope(models.TextChoices):
        ALL = matching.SCOPE_ALL, "all jobs of the owner"
        JOBS = matching.SCOPE_JOBS, "chosen jobs"
        TAGS = matching.SCOPE_TAGS, "jobs with any of the tags"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="thx_cron_notification_rules",
        help_text="Empty for operator rules from THX_CRON_NOTIFICATION_RULES (all jobs).",
    )
    name = models.CharField(max_length=200)
    urls = models.JSONField(
        "Apprise URLs", default=list, blank=True, help_text="Secret: only ever shown masked."
    )
    events = models.JSONField(
        default=list,
        blank=True,
        help_text=", ".join(matching.Event),
    )
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.ALL)
    jobs = models.ManyToManyField("thx_cron.Job", blank=True, related_name="+")
    tags = models.JSONField(default=list, blank=True)
    min_consecutive_failures = models.PositiveIntegerField(
        default=1, help_text="Failure events notify from this many consecutive failures on."
    )
    throttle_seconds = models.PositiveIntegerField(
        default=0, help_text="At most one message per job in this window (0: no limit)."
    )
    slower_than_seconds = models.FloatField(
        null=True, blank=True, help_text='"slow": a run that took longer than this many seconds.'
    )
    slower_than_median_factor = models.FloatField(
        null=True,
        blank=True,
        help_text='"slow": a run that took longer than this many times the median of the '
        "job's last succeeded runs.",
    )
    median_of_last_runs = models.PositiveIntegerField(
        default=20, help_text="How many succeeded runs the median is taken over."
    )
    faster_than_seconds = models.FloatField(
        null=True,
        blank=True,
        help_text='"fast": a succeeded run that took less than this many seconds.',
    )
    running_longer_than_seconds = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text='"running_long": a run still running this many seconds after it started.',
    )
    title_template = models.TextField(blank=True, default=rendering.DEFAULT_TITLE)
    body_template = models.TextField(blank=True, default=rendering.DEFAULT_BODY)
    enabled = models.BooleanField(default=True)
    settings_key = models.CharField(
        max_length=200,
        blank=True,
        default="",
        editable=False,
        help_text="Set for operator rules synced from settings.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NotificationRuleQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="thx_notify_rule_name"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(owner__isnull=True), name="thx_notify_global_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_urls(self) -> list[str]:
        return [notifier.mask(url) for url in self.urls or []]

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        for name, message in validation_errors(self):
            errors.setdefault(name, []).append(message)
        if errors:
            raise ValidationError(errors)

    def facts(self, job_ids: frozenset[int] | None = None) -> matching.RuleFacts:
        """Return this rule as the pure matcher sees it."""
        return matching.RuleFacts(
            id=self.pk,
            owner_id=self.owner_id,
            events=frozenset(self.events or []),
            scope=self.scope,
            job_ids=job_ids if job_ids is not None else frozenset(),
            tags=frozenset(self.tags or []),
            min_failures=self.min_consecutive_failures,
            throttle_seconds=self.throttle_seconds,
            enabled=self.enabled,
            slower_than_seconds=self.slower_than_seconds,
            slower_than_median_factor=self.slower_than_median_factor,
            median_of_last_runs=self.median_of_last_runs,
            faster_than_seconds=self.faster_than_seconds,
            running_longer_than_seconds=self.running_longer_than_seconds,
        )

    owner_id: int | None


def validation_errors(rule: NotificationRule) -> list[tuple[str, str]]:
    """Return (field, message) for everything wrong with `rule` (jobs are checked by callers)."""
    errors = [(name, problem) for name, problem in limit_problems(rule) if problem]
    if errors:  # nothing more is read from a value beyond the bounds
        return errors
    urls = rule.urls
    if not isinstance(urls, list) or not urls:
        errors.append(("urls", "Give at least one Apprise URL."))
    elif len(urls) > MAX_URLS:
        errors.append(("urls", f"At most {MAX_URLS} URLs per rule."))
    else:
        for index, url in enumerate(urls, start=1):
            problem = notifier.validate_url(url)
            if problem:
                shown = notifier.mask(url) if isinstance(url, str) else repr(url)
                errors.append(("urls", f"URL {index} ({shown}) {problem}."))
    events = rule.events
    if not isinstance(events, list) or not events:
        errors.append(("events", f"Choose at least one of: {', '.join(matching.Event)}."))
    else:
        unknown = [event for event in events if event not in _EVENT_VALUES]
        if unknown:
            errors.append(
                (
                    "events",
                    f"Unknown event(s) {', '.join(map(str, unknown))}; "
                    f"choose from {', '.join(matching.Event)}.",
                )
            )
    tags = rule.tags
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        errors.append(("tags", "Tags must be a list of non-empty strings."))
    elif rule.scope == NotificationRule.Scope.TAGS and not tags:
        errors.append(("tags", "A rule scoped to tags needs at least one tag."))
    if rule.min_consecutive_failures is not None and rule.min_consecutive_failures < 1:
        errors.append(("min_consecutive_failures", "Must be at least 1."))
    errors.extend(duration_errors(rule, events if isinstance(events, list) else []))
    for name, limit in (
        ("title_template", rendering.MAX_TITLE),
        ("body_template", rendering.MAX_BODY),
    ):
        try:
            rendering.validate(getattr(rule, name) or "", limit)
        except rendering.InvalidTemplate as exc:
            errors.append((name, f"The template {exc.message}."))
    if not (rule.title_template or "").strip() and not (rule.body_template or "").strip():
        errors.append(("body_template", "Give a title or a body template."))
    return errors


def duration_errors(rule: NotificationRule, events: list[Any]) -> list[tuple[str, str]]:
    """Return what is wrong with the rule's duration thresholds and the events needing them."""
    errors: list[tuple[str, str]] = []
    for name in ("slower_than_seconds", "faster_than_seconds", "running_longer_than_seconds"):
        value = getattr(rule, name)
        if value is not None and value <= 0:
            errors.append((name, f"Must be more than 0 seconds (got {value:g})."))
    factor = rule.slower_than_median_factor
    if factor is not None and factor <= 1:
        errors.append(("slower_than_median_factor", f"Must be more than 1 (got {factor:g})."))
    if not 1 <= (rule.median_of_last_runs or 0) <= durations.MAX_RUNS:
        errors.append(("median_of_last_runs", f"Must be from 1 to {durations.MAX_RUNS}."))
    if "slow" in events and rule.slower_than_seconds is None and factor is None:
        errors.append(
            (
                "slower_than_seconds",
                'The "slow" event needs slower_than_seconds or slower_than_median_factor.',
            )
        )
    if "fast" in events and rule.faster_than_seconds is None:
        errors.append(("faster_than_seconds", 'The "fast" event needs faster_than_seconds.'))
    if "running_long" in events and rule.running_longer_than_seconds is None:
        errors.append(
            (
                "running_longer_than_seconds",
                'The "running_long" event needs running_longer_than_seconds.',
            )
        )
    return errors


def limit_problems(rule: NotificationRule) -> list[tuple[str, str | None]]:
    """Return (field, problem or None) for each text and list against thx_cron.security.limits."""
    return [
        ("name", limits.text_problem(rule.name, limits.MAX_NAME)),
        ("urls", limits.texts_problem(rule.urls, limits.MAX_URLS, limits.MAX_URL, "URL")),
        ("events", limits.texts_problem(rule.events, limits.MAX_EVENTS, 20, "event")),
        ("tags", limits.texts_problem(rule.tags, limits.MAX_TAGS, limits.MAX_TAG, "tag")),
        ("title_template", limits.text_problem(rule.title_template, limits.MAX_TEMPLATE)),
        ("body_template", limits.text_problem(rule.body_template, limits.MAX_TEMPLATE)),
    ]
