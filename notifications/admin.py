"""Django admin for notification rules (URLs write-only, shown masked) and read-only deliveries
(errors shown masked)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.safestring import SafeString

from thx_cron.admin import display
from thx_cron.models import JobLog
from thx_cron.security.ownership import OwnedObjectAdmin
from thx_cron_notifications.models import NotificationDelivery, NotificationRule
from thx_cron_notifications.rules import Event


class RuleForm(forms.ModelForm):
    # The stored URLs are secret: the form never renders them, and an empty field keeps them.
    new_urls = forms.CharField(
        label="Apprise URLs",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        help_text="One per line. Leave empty to keep the current URLs (shown masked above).",
    )
    events = forms.MultipleChoiceField(
        choices=[(event.value, event.replace("_", " ")) for event in Event],
        widget=forms.CheckboxSelectMultiple,
    )
    tags = forms.CharField(required=False, help_text="Comma-separated, for the tags scope.")

    class Meta:
        model = NotificationRule
        fields = (
            "name",
            "owner",
            "enabled",
            "events",
            "scope",
            "jobs",
            "tags",
            "min_consecutive_failures",
            "throttle_seconds",
            "title_template",
            "body_template",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["tags"] = ", ".join(self.instance.tags or [])
        else:
            self.fields["new_urls"].required = True

    def clean_tags(self) -> list[str]:
        return [tag.strip() for tag in self.cleaned_data.get("tags", "").split(",") if tag.strip()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        owner = cleaned.get("owner", self.instance.owner if self.instance.pk else None)
        jobs = cleaned.get("jobs")
        # A rule hears only its owner's jobs; anyone else's would leak their runs to its URLs.
        if owner is not None and jobs is not None and any(j.owner_id != owner.pk for j in jobs):
            self.add_error("jobs", "Every job must belong to the rule's owner.")
        return cleaned

    def _post_clean(self) -> None:
        lines = self.cleaned_data.get("new_urls", "") or ""
        urls = [line.strip() for line in lines.splitlines() if line.strip()]
        if urls:
            self.instance.urls = urls
        super()._post_clean()  # type: ignore[misc]

    def add_error(self, field: str | None, error: Any) -> None:
        # Model validation names the model field; the form shows it on the write-only one.
        if field == "urls":
            field = "new_urls"
        super().add_error(field, error)


@admin.register(NotificationRule)
class NotificationRuleAdmin(OwnedObjectAdmin, admin.ModelAdmin):
    form = RuleForm
    list_display = ("name", "owner", "enabled", "events_text", "scope", "urls_masked")
    list_filter = ("enabled", "scope")
    search_fields = ("name",)
    readonly_fields = ("urls_masked", "settings_key", "created_at", "updated_at")
    filter_horizontal = ("jobs",)
    fields = (
        "name",
        "owner",
        "enabled",
        "urls_masked",
        "new_urls",
        "events",
        "scope",
        "jobs",
        "tags",
        "min_consecutive_failures",
        "throttle_seconds",
        "title_template",
        "body_template",
        "settings_key",
        "created_at",
        "updated_at",
    )

    @admin.display(description="URLs")
    def urls_masked(self, rule: NotificationRule) -> str:
        return "\n".join(rule.masked_urls) or "-"

    @admin.display(description="events")
    def events_text(self, rule: NotificationRule) -> str:
        return ", ".join(rule.events or [])


TIMES = (
    "occurred_at",
    "created_at",
    "next_attempt_at",
    "last_attempt_at",
    "claimed_until",
    "sent_at",
)
TIME_COLUMNS = ("occurred", "created", "next_attempt", "last_attempt", "claimed", "sent")
# A delivery's status coloured as the run status it resembles.
DELIVERY_STATUSES: dict[str, str] = {
    NotificationDelivery.Status.PENDING: JobLog.Status.QUEUED,
    NotificationDelivery.Status.SENT: JobLog.Status.SUCCEEDED,
    NotificationDelivery.Status.FAILED: JobLog.Status.FAILED,
}


def _zone(delivery: object) -> str:
    job = delivery.job if isinstance(delivery, NotificationDelivery) else None
    return job.timezone if job is not None else "UTC"


@admin.register(NotificationDelivery)
class NotificationDeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "rule",
        "event",
        "status_badge",
        "attempts",
        "job",
        "run",
        "created",
        "sent",
    )
    list_filter = ("status", "event")
    search_fields = ("rule__name", "title")
    list_select_related = ("rule", "job", "run__job")
    # The stored error is shown through the masking rules only; times in the job's zone.
    exclude = ("last_error", *TIMES)
    readonly_fields = ("status_badge", "masked_error", *TIME_COLUMNS)

    occurred = display.instant_column("occurred_at", "occurred at", _zone, long=True)
    created = display.instant_column("created_at", "created", _zone, long=True)
    next_attempt = display.instant_column("next_attempt_at", "next attempt", _zone, long=True)
    last_attempt = display.instant_column("last_attempt_at", "last attempt", _zone, long=True)
    claimed = display.instant_column("claimed_until", "claimed until", _zone, long=True)
    sent = display.instant_column("sent_at", "sent", _zone, long=True)

    @admin.display(description="status", ordering="status")
    def status_badge(self, delivery: NotificationDelivery) -> SafeString | str:
        colour = DELIVERY_STATUSES.get(delivery.status, JobLog.Status.QUEUED)
        return display.status_badge(colour, label=delivery.status)

    @admin.display(description="last error")
    def masked_error(self, delivery: NotificationDelivery) -> str:
        return delivery.masked_error or "-"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
