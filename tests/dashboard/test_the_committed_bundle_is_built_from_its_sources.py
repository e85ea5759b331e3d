"""The committed browser assets are what `npm ci && npm run build` makes of the committed sources:
build.json records a digest of the inputs and of every output, computed here the same way as in
thx_cron/dashboard/build.mjs, so a source changed without rebuilding fails this test."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "thx_cron" / "dashboard"
RECORD = DASHBOARD / "static" / "thx_cron_dashboard" / "build.json"
REBUILD = "run `npm ci && npm run build` and commit the result"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def inputs() -> list[str]:
    files = [path for path in (DASHBOARD / "src").rglob("*") if path.is_file()]
    files += [DASHBOARD / "build.mjs", ROOT / "package.json", ROOT / "package-lock.json"]
    return sorted(path.relative_to(ROOT).as_posix() for path in files)


def sources_digest(names: list[str]) -> str:
    text = "".join(f"{name}\n{sha256((ROOT / name).read_bytes())}\n" for name in names)
    return sha256(text.encode())


def test_the_bundle_was_built_from_the_committed_sources() -> None:
    record = json.loads(RECORD.read_text())
    assert record["inputs"] == inputs(), f"the dashboard's source files changed: {REBUILD}"
    assert record["sources"] == sources_digest(inputs()), f"the bundle is stale: {REBUILD}"


def test_the_built_files_are_the_ones_the_build_wrote() -> None:
    record = json.loads(RECORD.read_text())
    assert set(record["outputs"]) >= {
        "thx_cron/dashboard/static/thx_cron_dashboard/dashboard.js",
        "graphql_api/static/thx_cron_graphql/graphiql/graphiql.min.js",
    }
    for name, digest in record["outputs"].items():
        assert sha256((ROOT / name).read_bytes()) == digest, (
            f"{name} was changed by hand: {REBUILD}"
        )


def test_a_changed_source_changes_the_digest(tmp_path: Path) -> None:
    names = inputs()
    before = sources_digest(names)
    source = ROOT / names[0]
    original = source.read_bytes()
    try:
        source.write_bytes(original + b"\n")
        assert sources_digest(names) != before
    finally:
        source.write_bytes(original)
