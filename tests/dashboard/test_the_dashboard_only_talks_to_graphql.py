"""The dashboard is a client of the public API: its Python code imports nothing from the API
package, and its browser code reaches the server only at the GraphQL endpoint."""

from __future__ import annotations

import ast
import re
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parents[2] / "thx_cron" / "dashboard"


def test_the_dashboard_s_python_code_does_not_import_the_api_package() -> None:
    for path in DASHBOARD.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert not name.startswith(("thx_cron_graphql", "graphql_api")), (path, name)


def test_the_browser_code_fetches_and_connects_only_to_the_graphql_path() -> None:
    sources = {path.name: path.read_text() for path in (DASHBOARD / "src").glob("*.js")}
    calls = {name: re.findall(r"\bfetch\(([^,]+),", text) for name, text in sources.items()}
    assert calls.pop("api.js") == ["graphqlPath"]
    assert not any(calls.values()), calls
    for name, text in sources.items():
        assert "XMLHttpRequest" not in text and "new WebSocket" not in text, name
