"""Read the standalone server's environment variables; a malformed value is ImproperlyConfigured
naming the variable and the reason (the `thx-cron` command prints it and exits)."""

from __future__ import annotations

import logging
import os
import zoneinfo

from django.core.exceptions import ImproperlyConfigured

TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


def _given(name: str) -> str | None:
    """Return the variable's value stripped, or None when it is unset or blank."""
    value = os.environ.get(name, "").strip()
    return value or None


def _refuse(name: str, value: str | None, reason: str) -> ImproperlyConfigured:
    """The error for a malformed variable; `value` None keeps a secret out of the message."""
    shown = name if value is None else f"{name}={value!r}"
    return ImproperlyConfigured(f"The environment variable {shown} {reason}.")


def text(name: str, default: str) -> str:
    return _given(name) or default


def flag(name: str, default: bool) -> bool:
    value = _given(name)
    if value is None:
        return default
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise _refuse(name, value, "is not a yes/no value: use 1/0, true/false, yes/no or on/off")


def whole(name: str, default: int, minimum: int = 0) -> int:
    value = _given(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise _refuse(name, value, "is not a whole number") from None
    if number < minimum:
        raise _refuse(name, value, f"must be at least {minimum}")
    return number


def optional_whole(name: str, minimum: int = 0) -> int | None:
    """A whole number, or None when the variable is unset or blank."""
    return None if _given(name) is None else whole(name, 0, minimum)


def number(name: str, default: float, minimum: float = 0) -> float:
    value = _given(name)
    if value is None:
        return default
    try:
        parsed = float(value)
    except ValueError:
        raise _refuse(name, value, "is not a number") from None
    if not parsed >= minimum:  # also refuses nan
        raise _refuse(name, value, f"must be a number >= {minimum:g}")
    return parsed


def names(name: str, default: str = "") -> list[str]:
    """A comma-separated list; blanks around and between the items are ignored."""
    value = os.environ.get(name, default)
    return [item.strip() for item in value.split(",") if item.strip()]


def choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of `choices` (case-insensitive), returned as written in `choices`."""
    value = _given(name)
    if value is None:
        return default
    for known in choices:
        if value.lower() == known.lower():
            return known
    raise _refuse(name, value, f"must be one of {', '.join(choices)}")


def log_level(name: str) -> str:
    """A logging level name, upper-case, or "" when unset (each logger keeps its default)."""
    value = _given(name)
    if value is None:
        return ""
    if value.upper() not in logging.getLevelNamesMapping():
        raise _refuse(name, value, "is not a log level: DEBUG, INFO, WARNING, ERROR or CRITICAL")
    return value.upper()


def database_url(name: str, default: str) -> str:
    """A database URL that dj-database-url understands (never shown: it may hold a password)."""
    import dj_database_url

    value = _given(name) or default
    try:
        dj_database_url.parse(value)
    except ValueError as exc:
        raise _refuse(name, None, f"is not a database URL ({exc})") from None
    return value


def time_zone(name: str, default: str) -> str:
    value = _given(name) or default
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise _refuse(name, value, "is not an IANA time zone such as UTC or Europe/Paris") from None
    return value
