"""docs/settings.md lists every setting the accessors declare, with its type, default and meaning,
so that the list cannot drift from the code. After changing a setting, rewrite the tables with
`python -m tests.core.test_docs_settings_lists_every_setting_with_its_type_and_default`."""

from __future__ import annotations

import json
import re
from pathlib import Path

from thx_cron.conf import AppSettings, ThxCronSettings
from thx_cron_notifications.conf import NotificationSettings

DOC = Path(__file__).resolve().parents[2] / "docs" / "settings.md"
TABLES: dict[str, type[AppSettings]] = {
    "thx_cron": ThxCronSettings,
    "thx_cron_notifications": NotificationSettings,
}
BLOCK = re.compile(r"(<!-- settings of (\w+), generated[^>]*-->\n).*?(<!-- end -->)", re.DOTALL)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _default(value: object) -> str:
    return json.dumps(value) if isinstance(value, str) else repr(value)


def table(declared: type[AppSettings]) -> str:
    """Return the markdown table of the settings `declared` holds."""
    rows = ["| Setting | Type | Default | |", "|---|---|---|---|"]
    rows += [
        f"| `{s.name}` | `{_cell(s.kind)}` | `{_cell(_default(s.default))}` | {_cell(s.doc)} |"
        for s in declared.declared()
    ]
    return "\n".join(rows) + "\n"


def rendered(text: str) -> str:
    """Return `text` with each generated block replaced by the table of its app."""
    return BLOCK.sub(lambda m: m.group(1) + table(TABLES[m.group(2)]) + m.group(3), text)


def test_each_app_has_one_generated_table() -> None:
    assert sorted(m.group(2) for m in BLOCK.finditer(DOC.read_text())) == sorted(TABLES)


def test_the_tables_are_those_of_the_accessors() -> None:
    text = DOC.read_text()
    assert text == rendered(text), "run the command in this test's docstring"


def test_every_setting_of_the_accessors_is_in_the_tables() -> None:
    text = DOC.read_text()
    for declared in TABLES.values():
        names = [setting.name for setting in declared.declared()]
        assert len(names) == len(set(names)) > 4
        assert all(f"| `{name}` |" in text for name in names)


if __name__ == "__main__":
    DOC.write_text(rendered(DOC.read_text()))
