"""No code outside the conf modules reads a `THX_CRON_*` setting by its name: every read goes
through `thx_cron.conf` or `thx_cron_notifications.conf`, typed and with its default declared once.

An AST walk over the installed packages finds `settings.THX_CRON_X` (through any name),
`getattr(settings, "THX_CRON_X" or f"THX_CRON_{name}" or "THX_CRON_" + name, ...)` (and hasattr,
setattr, delattr) and `from ... import THX_CRON_X`; a message that names a setting is not a read.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("thx_cron", "graphql_api", "notifications")
CONF_MODULES = {ROOT / "thx_cron" / "conf.py", ROOT / "notifications" / "conf.py"}
PREFIX = "THX_CRON_"
BY_NAME = {"getattr", "hasattr", "setattr", "delattr"}


def _names_a_setting(node: ast.expr) -> bool:
    """Tell whether an attribute-name argument is, or starts with, a THX_CRON_ string."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and node.value.startswith(PREFIX)
    if isinstance(node, ast.JoinedStr):
        return bool(node.values) and _names_a_setting(node.values[0])
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return _names_a_setting(node.left)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format" and _names_a_setting(node.func.value)
    return False


def direct_reads(source: str) -> list[str]:
    """Return `line: code` for each place in `source` that reads a THX_CRON_ setting by name."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr.startswith(PREFIX):
            found.append(node)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in BY_NAME
            and len(node.args) >= 2
            and _names_a_setting(node.args[1])
        ):
            found.append(node)
        elif isinstance(node, ast.ImportFrom) and any(
            alias.name.startswith(PREFIX) for alias in node.names
        ):
            found.append(node)
    return [f"{node.lineno}: {ast.unparse(node)}" for node in found]


@pytest.mark.parametrize(
    "code",
    [
        "from django.conf import settings\nsettings.THX_CRON_BASE_URL",
        "from django.conf import settings as s\nx = s.THX_CRON_OUTPUT_LIMIT + 1",
        "import django.conf\ndjango.conf.settings.THX_CRON_CLUSTER",
        "getattr(settings, 'THX_CRON_BASE_URL', '')",
        "getattr(settings, f'THX_CRON_{name}', DEFAULTS[name])",
        "getattr(settings, 'THX_CRON_' + name)",
        "getattr(settings, 'THX_CRON_%s' % name)",
        "getattr(settings, 'THX_CRON_{}'.format(name))",
        "hasattr(settings, 'THX_CRON_JOBS')",
        "setattr(settings, 'THX_CRON_JOBS', [])",
        "from thx_cron.standalone.settings import THX_CRON_MAX_TIMEOUT",
    ],
)
def test_a_read_by_name_is_found(code: str) -> None:
    assert len(direct_reads(code)) == 1


@pytest.mark.parametrize(
    "code",
    [
        "raise ValueError('THX_CRON_ACTIONS must be a dict')",
        "Error(f'THX_CRON_{name} must be a number, got {value!r}.', id='thx_cron.E001')",
        "thx_settings.OUTPUT_LIMIT",
        "ThxCronSettings.JOBS.raw()",
        "getattr(settings, 'Q_CLUSTER', {})",
        "THX_CRON_DEMO_ACTIONS = env.flag('THX_CRON_DEMO_ACTIONS', True)",
        "os.environ.get('THX_CRON_DATA_DIR')",
    ],
)
def test_a_message_an_accessor_or_a_definition_is_not_a_read(code: str) -> None:
    assert direct_reads(code) == []


def test_the_packages_read_thx_cron_settings_only_through_the_conf_modules() -> None:
    sources = [path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))]
    assert len(sources) > 100  # the walk sees the packages
    found = [
        f"{path.relative_to(ROOT)}:{read}"
        for path in sources
        if path not in CONF_MODULES
        for read in direct_reads(path.read_text())
    ]
    assert found == [], "read these through thx_cron.conf / thx_cron_notifications.conf"
