"""benchmarks/peers.py gives every recorded start to its occurrence the same way for every
system: these cases pin down what counts as run, missing, doubled and how late (no timing)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

# The benchmark scripts import each other by bare name (`from harness import ...`); their folder
# is on the path only while the script is imported, so that no other test sees its modules.
_BENCHMARKS = str(Path(__file__).resolve().parents[2] / "benchmarks")
sys.path.insert(0, _BENCHMARKS)
try:
    peers = importlib.import_module("peers")
finally:
    sys.path.remove(_BENCHMARKS)

DUE = 1_800_000_000.0  # an even second


def scored(workload, rows):
    result = peers.Result()
    peers.score(workload, DUE, rows, result)
    return result


def test_every_occurrence_once_is_all_run():
    workload = peers.Workload("every2s", 2, 6.0)  # occurrences at +0, +2, +4
    rows = [(job, DUE + 2 * k + 0.25) for job in range(2) for k in range(3)]
    result = scored(workload, rows)
    assert (result.expected, result.ran, result.missing, result.doubled) == (6, 6, 0, 0)
    assert result.lateness == pytest.approx([0.25] * 6)


def test_a_second_start_is_doubled_and_its_lateness_not_counted_twice():
    workload = peers.Workload("every2s", 1, 4.0)
    rows = [(0, DUE + 0.1), (0, DUE + 0.9), (0, DUE + 2.2)]
    result = scored(workload, rows)
    assert (result.ran, result.missing, result.doubled) == (2, 0, 1)
    assert sorted(result.lateness) == pytest.approx([0.1, 0.2])


def test_a_start_later_than_the_period_counts_against_the_next_occurrence():
    workload = peers.Workload("every2s", 1, 4.0)
    rows = [(0, DUE + 2.5), (0, DUE + 2.6)]  # occurrence +0 ran 2.5 s late, +2 on time
    result = scored(workload, rows)
    assert (result.ran, result.missing, result.doubled) == (1, 1, 1)


def test_starts_before_the_first_occurrence_and_after_the_window():
    workload = peers.Workload("every2s", 1, 4.0)
    rows = [(0, DUE - 0.5), (0, DUE + 0.1), (0, DUE + 2.1), (0, DUE + 4.1)]
    result = scored(workload, rows)
    assert (result.ran, result.missing, result.doubled, result.outside) == (2, 0, 0, 1)


def test_burst_counts_the_due_minute_only():
    workload = peers.Workload("burst", 3, 55.0)
    rows = [(0, DUE + 0.3), (1, DUE + 59.0), (1, DUE + 61.0)]
    result = scored(workload, rows)
    assert (result.expected, result.ran, result.missing, result.doubled) == (3, 2, 1, 0)
    assert sorted(result.lateness) == pytest.approx([0.3, 59.0])
