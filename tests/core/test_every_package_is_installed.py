"""The wheel lists its packages by hand (two folders install under other names), so a new
package folder must be added to pyproject.toml; this test says which one is missing."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def installed_packages() -> set[str]:
    """Return the import names of every package folder, as the wheel would install them."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    folders = {folder: name for name, folder in config["package-dir"].items()}
    names = set()
    for top in ("thx_cron", "graphql_api", "notifications"):
        for init in (ROOT / top).rglob("__init__.py"):
            parts = init.parent.relative_to(ROOT).parts
            names.add(".".join((folders.get(parts[0], parts[0]), *parts[1:])))
    return names


def test_every_package_folder_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert sorted(installed_packages() - set(config["packages"])) == []
    assert sorted(set(config["packages"]) - installed_packages()) == []


def test_no_installed_package_is_named_like_a_common_host_app() -> None:
    tops = {name.split(".")[0] for name in installed_packages()}
    assert tops == {"thx_cron", "thx_cron_graphql", "thx_cron_notifications"}
