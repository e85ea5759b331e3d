"""graphql_api/strawberry_compat.py, the one module of thx_cron_graphql that reads Strawberry's,
strawberry-django's, graphql-core's and Django's queryset internals, works on the installed
versions, which are the ones pyproject.toml allows; and no other module of the package reads a
private attribute.

pyproject.toml allows exactly the Strawberry and strawberry-django lines this was run on: older
strawberry-django releases refuse the filters' resolver fields on Strawberry 0.341, and older
Strawberry releases lack the WebSocket origin check origins.py uses."""

from __future__ import annotations

import ast
import re
import tomllib
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import strawberry
from graphql import (
    FieldNode,
    GraphQLField,
    GraphQLInt,
    GraphQLObjectType,
    GraphQLSchema,
    NameNode,
    SelectionSetNode,
    graphql_sync,
    parse,
)
from packaging.requirements import Requirement
from strawberry.types import Info
from strawberry.types.nodes import SelectedField

from thx_cron.models import Job, JobLog
from thx_cron_graphql import strawberry_compat as compat

PACKAGE = Path(compat.__file__).resolve().parent
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
SHIMMED = ("strawberry-graphql", "strawberry-graphql-django", "graphql-core")


def _private_reads(path: Path) -> list[str]:
    """`x._name` reads (not dunders, not self/cls/super()) and getattr(x, "_name") in `path`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        name = owner = None
        if isinstance(node, ast.Attribute):
            name, owner = node.attr, node.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "hasattr", "setattr"}
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            name, owner = node.args[1].value, node.args[0]
        if name is None or not name.startswith("_") or name.startswith("__"):
            continue
        if isinstance(owner, ast.Name) and owner.id in {"self", "cls"}:
            continue
        if isinstance(owner, ast.Call) and getattr(owner.func, "id", None) == "super":
            continue
        found.append(f"{path.name}:{node.lineno}: {name}")
    return found


def test_no_module_but_the_shim_reads_a_private_attribute() -> None:
    found = [
        read
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "strawberry_compat.py" and "migrations" not in path.parts
        for read in _private_reads(path)
    ]
    assert found == []


def test_the_scan_finds_a_private_read(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text('x = a._raw_info\ny = getattr(qs, "_result_cache")\nz = self._own.__dict__\n')
    assert [read.split(": ")[1] for read in _private_reads(probe)] == ["_raw_info", "_result_cache"]


def test_the_installed_libraries_are_the_lines_pyproject_allows() -> None:
    declared = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    requirements = {Requirement(line).name: Requirement(line) for line in declared}
    for package in SHIMMED[:2]:
        specifier = requirements[package].specifier
        assert version(package) in specifier, (package, version(package), specifier)
        # One minor line each: a new release is tested here before the range admits it.
        assert re.fullmatch(r"<0\.\d+", str(next(s for s in specifier if s.operator == "<")))
    assert version("graphql-core").startswith("3.3.")


def _resolve_info() -> tuple[Info, object]:
    """A strawberry Info (and its raw info) of a real field resolution."""
    seen: dict[str, Info] = {}

    @strawberry.type
    class Query:
        @strawberry.field
        def one(self, info: strawberry.Info) -> int:
            seen["info"] = info
            return 1

    document = "query { ...F } fragment F on Query { one }"
    assert strawberry.Schema(Query).execute_sync(document).data == {"one": 1}
    info = seen["info"]
    return info, compat.raw_info(info)


def test_graphql_core_s_resolve_info_is_found_behind_strawberry_s_and_copied() -> None:
    info, raw = _resolve_info()
    assert raw.field_name == "one" and list(raw.fragments) == ["F"]  # type: ignore[attr-defined]
    assert compat.raw_info(raw) is raw
    copied = compat.replace_info(raw, fragments={})  # type: ignore[arg-type]
    assert copied.fragments == {} and list(raw.fragments) == ["F"]  # type: ignore[attr-defined]
    assert copied.field_name == "one"


def test_graphql_core_s_own_resolve_info_is_returned_as_it_is() -> None:
    seen = {}

    def resolver(root, info):  # type: ignore[no-untyped-def]
        seen["raw"] = compat.raw_info(info)
        return 1

    schema = GraphQLSchema(
        GraphQLObjectType("Query", {"one": GraphQLField(GraphQLInt, resolve=resolver)})
    )
    assert graphql_sync(schema, "{ one }").data == {"one": 1}
    assert seen["raw"].field_name == "one"


def test_selected_fields_are_preset_in_strawberry_s_cache_from_the_raw_info() -> None:
    assert compat.selected_fields_is_cached()
    info, raw = _resolve_info()
    preset = [SelectedField(name="x", directives={}, arguments={}, selections=[])]
    seen = []

    def build(given: Any) -> list[SelectedField]:
        seen.append(given)
        return preset

    compat.preset_selected_fields(info, build)
    assert info.selected_fields is preset and seen == [raw]
    compat.preset_selected_fields(info, build)  # known already: not built again
    assert seen == [raw]


def test_a_node_is_copied_with_a_new_selection_set_and_the_original_is_unchanged() -> None:
    field = parse("{ jobs { totalCount } }").definitions[0].selection_set.selections[0]  # type: ignore[attr-defined]
    extra = SelectionSetNode(selections=(FieldNode(name=NameNode(value="edges")),))
    changed = compat.with_selection_set(field, extra)
    assert [s.name.value for s in changed.selection_set.selections] == ["edges"]
    assert [s.name.value for s in field.selection_set.selections] == ["totalCount"]


def test_the_node_id_field_is_replaced_in_the_type_definition() -> None:
    from strawberry.types.base import get_object_definition

    from thx_cron_graphql.fields import NodeIdField
    from thx_cron_graphql.types import JobType

    fields = get_object_definition(JobType, strict=True).fields
    ids = [field for field in fields if field.python_name == "_id"]
    assert len(ids) == 1 and isinstance(ids[0], NodeIdField) and ids[0].origin is JobType
    assert ids[0].graphql_name == "id"


@pytest.mark.django_db
def test_a_window_total_is_read_off_a_node() -> None:
    from django.db.models import Count, Window

    job = Job.objects.create(name="counted", action="demo.echo", cron="* * * * *")
    node = (
        Job.objects.annotate(_strawberry_total_count=Window(expression=Count(1), partition_by=None))
        .filter(pk=job.pk)
        .get()
    )
    assert compat.window_total(node) == 1
    assert compat.window_total(Job.objects.get(pk=job.pk)) is None


@pytest.mark.django_db
def test_a_querysets_prefetches_evaluation_and_loaded_columns_are_read() -> None:
    qs = Job.objects.only("name").prefetch_related("runs")
    assert compat.prefetch_lookups(qs) == ("runs",)
    assert compat.deferred_loading(qs) == (frozenset({"name"}), False)
    assert compat.deferred_loading(Job.objects.defer("name")) == (frozenset({"name"}), True)
    assert not compat.is_evaluated(qs)
    list(qs)
    assert compat.is_evaluated(qs)


def test_only_a_filter_keeps_a_queryset_plain() -> None:
    assert compat.only_filtered(JobLog.objects.filter(status="failed"))
    assert not compat.only_filtered(JobLog.objects.select_related("job"))
    assert not compat.only_filtered(JobLog.objects.all()[:5])
    assert not compat.only_filtered(JobLog.objects.distinct())
