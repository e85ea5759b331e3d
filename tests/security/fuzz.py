"""Hypothesis strategies that write GraphQL operations from the schema itself: any root query or
mutation field, its arguments as variables of any shape the types allow (and some they do not
quite), and a selection of what it returns."""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    Undefined,
)
from hypothesis import strategies as st

# Outbound sends (a test message to whatever URL was drawn) are not for a fuzz on loopback.
SKIPPED_FIELDS = {"testNotificationRule"}

_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "(", "[", "\x00", "²", "9" * 30, "Job:1", "*/0 * * * *", "a" * 5000]),
)
_int = st.one_of(
    st.integers(-(2**31), 2**31 - 1),
    st.sampled_from([0, -1, 2**31 - 1, -(2**31), 10**20, 2**63]),
)
_id = st.one_of(
    st.sampled_from(["1", "0", "-1", "²", "9" * 30, "Sm9iOjE=", "Sm9iOi01", "YQ==", "!!!", ""]),
    st.text(max_size=12),
)
_json: Any = st.recursive(
    st.one_of(st.none(), st.booleans(), _int, st.floats(allow_nan=False), st.text(max_size=20)),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)
_SCALARS: dict[str, Any] = {
    "String": _text,
    "Int": _int,
    "Float": st.floats(allow_nan=False, allow_infinity=False),
    "Boolean": st.booleans(),
    "ID": _id,
    "GlobalID": _id,
    "JSON": _json,
    "DateTime": st.sampled_from(
        ["2030-01-01T00:00:00Z", "2030-06-01T12:30:00", "yesterday", "2030-13-01T00:00:00Z", ""]
    ),
}


def value_for(schema: GraphQLSchema, graphql_type: Any, depth: int = 0) -> Any:
    """Return a strategy for variable values of `graphql_type` (null allowed where it may be)."""
    if isinstance(graphql_type, GraphQLNonNull):
        return _non_null(schema, graphql_type.of_type, depth)
    return st.one_of(st.none(), _non_null(schema, graphql_type, depth))


def _non_null(schema: GraphQLSchema, graphql_type: Any, depth: int) -> Any:
    if isinstance(graphql_type, GraphQLList):
        return st.lists(value_for(schema, graphql_type.of_type, depth + 1), max_size=3)
    if isinstance(graphql_type, GraphQLEnumType):
        return st.sampled_from([*graphql_type.values, "NOT_A_VALUE"])
    if isinstance(graphql_type, GraphQLScalarType):
        return _SCALARS.get(graphql_type.name, _text)
    assert isinstance(graphql_type, GraphQLInputObjectType)
    if depth > 3:
        return st.just({})
    fields = graphql_type.fields
    required = {n: value_for(schema, f.type, depth + 1) for n, f in fields.items() if _needs(f)}
    optional = {n: value_for(schema, f.type, depth + 1) for n, f in fields.items() if not _needs(f)}
    return st.fixed_dictionaries(required, optional=optional)


def _needs(field: Any) -> bool:
    return isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined


def selection_for(schema: GraphQLSchema, graphql_type: Any, depth: int = 0) -> Any:
    """Return a strategy for a selection set on `graphql_type` (empty for leaf types)."""
    while isinstance(graphql_type, (GraphQLNonNull, GraphQLList)):
        graphql_type = graphql_type.of_type
    if isinstance(graphql_type, GraphQLUnionType):
        members = [
            selection_for(schema, member, depth).map(lambda s, m=member: f"... on {m.name} {s}")
            for member in graphql_type.types
        ]
        return st.tuples(*members).map(lambda parts: "{ __typename " + " ".join(parts) + " }")
    if not isinstance(graphql_type, (GraphQLObjectType, GraphQLInterfaceType)):
        return st.just("")
    choices = []
    for name, field in graphql_type.fields.items():
        if any(_needs(arg) for arg in field.args.values()):
            continue
        if depth >= 3 and not _is_leaf(field):
            continue
        choices.append(
            selection_for(schema, field.type, depth + 1).map(lambda s, n=name: f"{n} {s}")
        )
    if not choices:
        return st.just("{ __typename }")
    return st.lists(st.one_of(*choices), min_size=1, max_size=4).map(
        lambda parts: "{ __typename " + " ".join(parts) + " }"
    )


def _is_leaf(field: GraphQLField) -> bool:
    graphql_type = field.type
    while isinstance(graphql_type, (GraphQLNonNull, GraphQLList)):
        graphql_type = graphql_type.of_type
    return isinstance(graphql_type, (GraphQLScalarType, GraphQLEnumType))


@st.composite
def operations(draw: Any, schema: GraphQLSchema) -> tuple[str, dict[str, Any]]:
    """Draw (document, variables) calling one root field with drawn arguments."""
    roots = [("query", schema.query_type), ("mutation", schema.mutation_type)]
    fields = [
        (kind, name, field)
        for kind, root in roots
        if root is not None
        for name, field in root.fields.items()
        if name not in SKIPPED_FIELDS
    ]
    kind, name, field = draw(st.sampled_from(fields))
    variables: dict[str, Any] = {}
    declarations, arguments = [], []
    for index, (arg_name, arg) in enumerate(field.args.items()):
        if not _needs(arg) and not draw(st.booleans()):
            continue
        variables[f"v{index}"] = draw(value_for(schema, arg.type))
        declarations.append(f"$v{index}: {arg.type}")
        arguments.append(f"{arg_name}: $v{index}")
    header = f"{kind} Fuzz({', '.join(declarations)})" if declarations else f"{kind} Fuzz"
    call = f"{name}({', '.join(arguments)})" if arguments else name
    return f"{header} {{ {call} {draw(selection_for(schema, field.type))} }}", variables
