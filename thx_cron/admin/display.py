"""How the admin shows instants (in the job's zone, UTC on hover), durations and statuses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo

from django.contrib import admin
from django.utils.html import format_html
from django.utils.safestring import SafeString

from thx_cron.durations import format_duration
from thx_cron.models import JobLog
from thx_cron.schedules.schedule import InvalidSchedule, parse_timezone

SECONDS = "%Y-%m-%d %H:%M:%S"
EMPTY = "-"

# Background colours of run statuses (readable with white text, in light and dark themes).
STATUS_COLOURS: dict[str, str] = {
    JobLog.Status.QUEUED: "#6c757d",
    JobLog.Status.RUNNING: "#0b6bcb",
    JobLog.Status.SUCCEEDED: "#1e7b34",
    JobLog.Status.FAILED: "#c62828",
    JobLog.Status.TIMED_OUT: "#c62828",
    JobLog.Status.LOST: "#8e24aa",
    JobLog.Status.SKIPPED: "#8d6e00",
    JobLog.Status.CANCELLED: "#5d4037",
}


def zone_of(name: str) -> tzinfo:
    """Return the zone named `name`, or UTC when the name is not a known zone."""
    try:
        return parse_timezone(name)
    except (InvalidSchedule, ValueError):
        return UTC


def instant(moment: datetime | None, zone: tzinfo, *, long: bool = False) -> SafeString | str:
    """Show `moment` with seconds in `zone` with its abbreviation, UTC on hover.

    `long` also names the zone and shows UTC beside (for a detail page).
    """
    if moment is None:
        return EMPTY
    try:
        local = moment.astimezone(zone)
    except (OverflowError, ValueError):
        local = moment
    utc = moment.astimezone(UTC) if moment.tzinfo is not None else moment
    utc_text = f"{utc.strftime(SECONDS)} UTC"
    name = str(getattr(zone, "key", "UTC"))
    local_text = f"{local.strftime(SECONDS)} {local.tzname() or name}"
    if local_text == utc_text:
        return format_html('<time datetime="{}">{}</time>', utc.isoformat(), utc_text)
    if long:
        return format_html(
            '<time datetime="{}" title="{}">{}</time> ({}) <span class="quiet">· {}</span>',
            utc.isoformat(),
            utc_text,
            local_text,
            name,
            utc_text,
        )
    return format_html(
        '<time datetime="{}" title="{} · {}">{}</time>',
        utc.isoformat(),
        name,
        utc_text,
        local_text,
    )


def status_badge(status: str, *, label: str = "") -> SafeString | str:
    """Show a run status (or `label` in its colour) as a coloured label."""
    if not status:
        return EMPTY
    colour = STATUS_COLOURS.get(status, "#6c757d")
    label = (label or status).replace("_", " ")
    return format_html(
        '<span class="thx-status thx-status-{}" style="background:{};color:#fff;'
        'padding:1px 6px;border-radius:8px;white-space:nowrap">{}</span>',
        status,
        colour,
        label,
    )


def duration(seconds: float | None) -> str:
    return format_duration(seconds) if seconds is not None else EMPTY


def instant_column(
    name: str, label: str, zone_name: Callable[[object], str], *, long: bool = False
) -> Callable[[object, object], SafeString | str]:
    """Return an admin display function that shows the instant in field `name`."""

    @admin.display(description=label, ordering=name)
    def show(model_admin: object, obj: object) -> SafeString | str:
        return instant(getattr(obj, name), zone_of(zone_name(obj)), long=long)

    return show
