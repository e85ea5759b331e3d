"""English descriptions of cron expressions (cron-descriptor), for previews and listings."""

from __future__ import annotations

import re

from cron_descriptor import ExpressionDescriptor, Options


def describe_cron(text: str) -> str:
    """Return an English description of an expression in croniter's syntax; never raises."""
    try:
        fields = text.upper().split()
        seconds = fields[5] if len(fields) > 5 else "0"
        year = fields[6] if len(fields) > 6 else "*"
        # cron-descriptor reads Quartz order (seconds first, year last), "last Friday" as 5L.
        weekday = re.sub(r"(^|,)L([0-7])(?=,|$)", r"\1\2L", fields[4])
        quartz = " ".join([seconds, *fields[:4], weekday, year])
        return str(ExpressionDescriptor(quartz, _english()).get_description())
    except Exception:  # a preview must not fail for want of words
        return f"cron '{text}'"


def _english() -> Options:
    """Return cron-descriptor options for English with AM/PM, whatever the host's locale."""
    try:
        return Options(locale_code="en_US", use_24hour_time_format=False)
    except TypeError:  # cron-descriptor 1.x takes no arguments (the project allows >= 1.4)
        options = Options()
        options.locale_code = "en_US"
        options.use_24hour_time_format = False
        return options
