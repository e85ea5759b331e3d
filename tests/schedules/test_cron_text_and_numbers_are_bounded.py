"""A cron expression is at most 200 characters and its numbers at most 4 digits, refused with
the field named before anything is parsed or cached."""

from __future__ import annotations

import pytest

from thx_cron.schedules import cron
from thx_cron.schedules.schedule import InvalidSchedule, Schedule, ScheduleSpec


def refusal(expression: str) -> InvalidSchedule:
    with pytest.raises(InvalidSchedule) as caught:
        Schedule(ScheduleSpec(kind="cron", cron=expression)).validate()
    return caught.value


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("*/" + "9" * 5000 + " * * * *", "longer than 200 characters"),
        ("*/" + "9" * 150 + " * * * *", "step '999999999999… (150 characters)' in the minute"),
        ("1" * 150 + " * * * *", "out of range 0-59 in the minute field"),
        ("0 0 * * 1#" + "1" * 150, "#1 to #5"),
        ("0 0 " + "1" * 150 + "W * *", "out of range 1-31 in the day of month field"),
        ("* * * * *" + " " * 200, "longer than 200 characters"),
        ("0,1,2,3,4,5,6,7,8,9," * 11 + "10 * * * *", "longer than 200 characters"),
        ("*/61 * * * *", "from 1 to 60"),
        ("0 0 * * 1/2", "a step needs a range or '*'"),
        ("0 5-2 * * *", "goes backwards"),
        ("0 0 LW * *", "'LW'"),
        ("0 0 */2,L * *", "cannot also hold L, W or #"),
        ("0 0 * * ²", "not a valid value in the day of week field"),
    ],
)
def test_an_oversized_or_unclear_expression_is_refused_on_the_cron_field(
    expression: str, fragment: str
) -> None:
    error = refusal(expression)

    assert error.field == "cron"
    assert fragment in error.message


def test_only_bounded_texts_reach_the_parse_cache() -> None:
    cron._parse.cache_clear()
    with pytest.raises(cron.CronError):
        cron.parse_cron("* " * 2_000_000)
    cron.parse_cron("0 9 * * *")

    assert cron._parse.cache_info().currsize == 1
