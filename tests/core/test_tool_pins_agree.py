"""pre-commit and CI run the same ruff: the hook's rev is the version pyproject.toml pins and
the one installed, so that a commit checked locally passes .ci/run."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def ruff_requirement() -> tuple[str, str]:
    """Return the (lowest, excluded upper) ruff versions the test extras allow."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    test = extras["optional-dependencies"]["test"]
    [spec] = [item for item in test if re.match(r"ruff\b", item)]
    found = re.fullmatch(r"ruff>=([\d.]+),<([\d.]+)", spec)
    assert found, spec
    return found[1], found[2]


def version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def test_the_pre_commit_ruff_rev_is_within_the_pinned_range_and_is_the_installed_ruff() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    [hooks] = [repo for repo in config["repos"] if repo["repo"].endswith("/ruff-pre-commit")]
    rev = hooks["rev"].removeprefix("v")
    low, high = ruff_requirement()
    assert version(low) <= version(rev) < version(high)
    ruff = Path(sys.executable).with_name("ruff")
    installed = subprocess.run([ruff, "--version"], capture_output=True, text=True, check=True)
    assert installed.stdout.split() == ["ruff", rev]
    assert {hook["id"] for hook in hooks["hooks"]} == {"ruff-check", "ruff-format"}
