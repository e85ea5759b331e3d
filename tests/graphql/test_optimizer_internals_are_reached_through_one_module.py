"""graphql_api/optimizer_compat.py, the one module that reads Strawberry's, graphql-core's and
Django's internals for the optimizer, works on the installed versions (CI runs this on each
supported Django line with the libraries resolved for it)."""

from __future__ import annotations

import pytest
from graphql import FieldNode, NameNode, SelectionSetNode, parse

from thx_cron.models import Job, JobLog
from thx_cron_graphql import optimizer_compat as compat
from thx_cron_graphql.schema import schema


def test_strawberry_s_definition_of_a_graphql_type_is_found_by_its_name():
    from strawberry import relay

    from thx_cron_graphql.types import JobType

    graphql_schema = schema._schema
    assert compat.strawberry_definition(graphql_schema, "Job").origin is JobType
    connection = compat.strawberry_definition(graphql_schema, "JobLogConnection")
    assert issubclass(connection.origin, relay.Connection)


def test_a_node_is_copied_with_a_new_selection_set_and_the_original_is_unchanged():
    field = parse("{ jobs { totalCount } }").definitions[0].selection_set.selections[0]
    extra = SelectionSetNode(selections=(FieldNode(name=NameNode(value="edges")),))
    changed = compat.with_selection_set(field, extra)
    assert [s.name.value for s in changed.selection_set.selections] == ["edges"]
    assert [s.name.value for s in field.selection_set.selections] == ["totalCount"]


@pytest.mark.django_db
def test_a_querysets_prefetches_evaluation_and_loaded_columns_are_read():
    qs = Job.objects.only("name").prefetch_related("runs")
    assert compat.prefetch_lookups(qs) == ("runs",)
    assert compat.deferred_loading(qs) == (frozenset({"name"}), False)
    assert compat.deferred_loading(Job.objects.defer("name")) == (frozenset({"name"}), True)
    assert not compat.is_evaluated(qs)
    list(qs)
    assert compat.is_evaluated(qs)


def test_only_a_filter_keeps_a_queryset_plain():
    assert compat.only_filtered(JobLog.objects.filter(status="failed"))
    assert not compat.only_filtered(JobLog.objects.select_related("job"))
    assert not compat.only_filtered(JobLog.objects.all()[:5])
    assert not compat.only_filtered(JobLog.objects.distinct())


def test_graphql_core_s_resolve_info_is_copied_with_changes():
    seen = {}

    def resolver(root, info):
        seen["raw"] = compat.raw_info(info)
        return 1

    from graphql import GraphQLField, GraphQLInt, GraphQLObjectType, GraphQLSchema, graphql_sync

    graphql_schema = GraphQLSchema(
        GraphQLObjectType("Query", {"one": GraphQLField(GraphQLInt, resolve=resolver)})
    )
    assert graphql_sync(graphql_schema, "{ one }").data == {"one": 1}
    copied = compat.replace_info(seen["raw"], fragments={"x": None})
    assert copied.fragments == {"x": None} and seen["raw"].fragments == {}
    assert copied.field_name == "one"
