"""The grammar's cases, with the walls they must produce, on whichever croniter is importable.

CI runs this file twice (.ci/run): on the highest croniter pyproject.toml allows (the venv's)
and on the lowest, installed into a separate directory put first on PYTHONPATH, with
THX_CRON_EXPECT_CRONITER naming it so that the run cannot silently use another version.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from importlib.metadata import version
from itertools import islice
from pathlib import Path

import croniter
import pytest

from thx_cron.schedules.cron import parse_cron
from thx_cron.schedules.cron_walls import walls

START = datetime(2027, 1, 1)  # a Friday
CASES = [
    # D: an equal range is that one value (croniter 5+ read it as the whole field).
    ("30 13-13 * * *", ["01-01 13:30", "01-02 13:30", "01-03 13:30"]),
    ("15-15 * * * *", ["01-01 00:15", "01-01 01:15", "01-01 02:15"]),
    ("0 0 * APR-APR *", ["04-01 00:00", "04-02 00:00", "04-03 00:00"]),
    ("5-5/1 0 * * *", ["01-01 00:05", "01-02 00:05", "01-03 00:05"]),
    # B: OR only when neither day field starts with `*`.
    ("0 0 */2 * 1", ["01-11 00:00", "01-25 00:00", "02-01 00:00"]),
    ("0 0 */1 * 1", ["01-04 00:00", "01-11 00:00", "01-18 00:00"]),
    ("0 0 1,3 * mon", ["01-03 00:00", "01-04 00:00", "01-11 00:00"]),
    # C: # and L<d> with a restricted day of month: either.
    ("0 0 23 * L3", ["01-23 00:00", "01-27 00:00", "02-23 00:00"]),
    ("0 0 1 * 5#2", ["01-08 00:00", "02-01 00:00", "02-12 00:00"]),
    ("0 0 * * 1#2,5#3", ["01-11 00:00", "01-15 00:00", "02-08 00:00"]),
    # E: nW with a restricted day of week: either; L and W in lists.
    ("0 12 1W * 1", ["01-01 12:00", "01-04 12:00", "01-11 12:00"]),
    ("0 0 1,15,L * *", ["01-15 00:00", "01-31 00:00", "02-01 00:00"]),
    ("0 0 31W 2 *", ["02-26 00:00", "2028-02-29 00:00", "2029-02-28 00:00"]),
    # AND with a special: the last day of the month when it is a Sunday or Saturday.
    ("0 0 L * */6", ["01-31 00:00", "02-28 00:00", "07-31 00:00"]),
    # F: day-of-week steps need a range or `*`; 7 is Sunday.
    ("0 0 * * */3", ["01-02 00:00", "01-03 00:00", "01-06 00:00"]),
    ("0 0 * * 5-7", ["01-02 00:00", "01-03 00:00", "01-08 00:00"]),
    # Names, `a/s`, seconds and years.
    ("50/5 9 * * *", ["01-01 09:50", "01-01 09:55", "01-02 09:50"]),
    ("0 0 1 jan-mar/2 *", ["03-01 00:00", "2028-01-01 00:00", "2028-03-01 00:00"]),
    ("0 0 * * * */20", ["01-01 00:00:20", "01-01 00:00:40", "01-02 00:00"]),
    ("0 0 1 1 * 0 2150", ["2150-01-01 00:00"]),
    ("0 0 29 2 1 0 2030-2199/50", ["2030-02-04 00:00", "2030-02-11 00:00", "2030-02-18 00:00"]),
]


def shown(wall: datetime) -> str:
    text = wall.strftime("%Y-%m-%d %H:%M") + (f":{wall.second:02}" if wall.second else "")
    return text[5:] if wall.year == 2027 else text


@pytest.mark.parametrize(("expression", "expected"), CASES)
def test_a_grammar_case_produces_the_same_walls_on_this_croniter(
    expression: str, expected: list[str]
) -> None:
    walls_ = [shown(wall) for wall in islice(walls(parse_cron(expression), START), len(expected))]

    assert walls_ == expected


def test_the_croniter_in_use_is_the_one_this_run_is_for_and_inside_the_pinned_range() -> None:
    installed = version("croniter")
    expected = os.environ.get("THX_CRON_EXPECT_CRONITER")
    if expected:
        assert installed == expected
        assert Path(croniter.__file__).resolve().is_relative_to(Path.cwd().resolve() / ".ci")
    pyproject = (Path(__file__).parents[2] / "pyproject.toml").read_text()
    low, high = re.search(r'"croniter>=([0-9.]+),<([0-9.]+)"', pyproject).groups()  # type: ignore[union-attr]

    def key(text: str) -> tuple[int, ...]:
        return tuple(int(part) for part in text.split("."))

    assert key(low) <= key(installed) < key(high)
