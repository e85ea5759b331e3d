"""format_duration: the one way a duration is written for people (admin, CLI-free, pure)."""

from __future__ import annotations

import math

import pytest

from thx_cron.durations import format_duration


@pytest.mark.parametrize(
    "seconds, text",
    [
        (0, "0 ms"),
        (0.00004, "< 0.1 ms"),
        (0.0027, "2.7 ms"),
        (0.00996, "10 ms"),
        (0.0456, "46 ms"),
        (0.9994, "999 ms"),
        (0.99996, "1.0 s"),
        (1.2, "1.2 s"),
        (9.96, "10 s"),
        (42.4, "42 s"),
        (59.6, "1 min 0 s"),
        (63, "1 min 3 s"),
        (3599.4, "59 min 59 s"),
        (3599.6, "1 h 0 min"),
        (7500, "2 h 5 min"),
        (3 * 86400 + 4 * 3600 + 100, "3 d 4 h"),
    ],
)
def test_a_duration_reads_in_the_unit_that_suits_it(seconds, text):
    assert format_duration(seconds) == text


@pytest.mark.parametrize("seconds", [None, -1.0, math.nan, math.inf])
def test_a_missing_or_impossible_duration_reads_as_a_dash(seconds):
    assert format_duration(seconds) == "-"
