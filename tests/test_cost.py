"""The static cost of operations (`@cost`, `@listSize`), worked out by hand, and its limit."""

from __future__ import annotations

import time
from typing import Any

import pytest
from graphql import (
    GraphQLList,
    GraphQLObjectType,
    build_schema,
    get_named_type,
    get_nullable_type,
    is_composite_type,
)
from graphql import parse as parse_document

from masthead.graphiql.examples import load_examples
from masthead.schema.core.cost import cost_plan, list_rule, operation_cost
from masthead.schema.root import build_schema as build_masthead_schema
from masthead.settings import Settings
from tests.conftest import GraphQLClient

SDL = """
directive @cost(weight: String!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION
  | INPUT_FIELD_DEFINITION | OBJECT | SCALAR
directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!],
  requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION

type User {
  name: String
  age: Int @cost(weight: "2.0")
  friends: [User!]! @listSize(assumedSize: 4)
}
type Robot @cost(weight: "3") { serial: String }
union Member = User | Robot
type Edge { cursor: String  node: User }
type PageInfo { hasNextPage: Boolean }
type UserConnection { edges: [Edge!]!  nodes: [User!]!  pageInfo: PageInfo  totalCount: Int }
type Query {
  user: User
  users(max: Int): [User] @listSize(slicingArguments: ["max"])
  tags: [String!]! @listSize(assumedSize: 50)
  unsized: [User!]!
  members(first: Int = 6): [Member!]! @listSize(slicingArguments: ["first"])
  connection(first: Int, last: Int): UserConnection
    @listSize(assumedSize: 20, slicingArguments: ["first", "last"], sizedFields: ["edges", "nodes"],
              requireOneSlicingArgument: false)
  byIds(ids: [ID!]!): [User]! @listSize(slicingArguments: ["ids"])
}
type Mutation { rename(name: String!): User }
"""
SMALL = build_schema(SDL)
ATTACK_PART = "posts(first: 100) { nodes { body tags { posts(first: 100) { nodes { body } } } } }"


def cost(document: str, variables: dict[str, Any] | None = None) -> int:
    return operation_cost(SMALL, parse_document(document), None, variables)


def test_an_object_costs_one_and_its_scalars_nothing() -> None:
    assert cost("{ user { name __typename } }") == 1


def test_a_cost_directive_on_a_field_replaces_its_weight() -> None:
    assert cost("{ user { name age } }") == 1 + 2


def test_a_cost_directive_on_a_type_weighs_each_appearance() -> None:
    # members: 6 (the argument's default) x the costliest member: Robot 3 > User 1.
    assert cost("{ members { ... on Robot { serial } ... on User { name } } }") == 6 * 3


def test_a_list_multiplies_by_its_slicing_argument() -> None:
    assert cost("{ users(max: 5) { name age } }") == 5 * (1 + 2)


def test_a_slicing_argument_from_a_variable_is_read_per_request() -> None:
    plan = cost_plan(SMALL, parse_document("query($n: Int = 2) { users(max: $n) { name } }"), None)

    assert [plan.evaluate({"n": 7}), plan.evaluate({}), plan.evaluate({"n": None})] == [7, 2, 1]


def test_an_unsized_list_counts_one_item_and_an_assumed_size_its_size() -> None:
    # unsized 1 x User 1 + user (1 + friends 4 x User 1) + tags 50 x String 0
    assert cost("{ unsized { name } user { friends { name } } tags }") == 1 + (1 + 4) + 0


def test_lists_inside_lists_multiply() -> None:
    # users 3 x (User 1 + friends 4 x (User 1 + age 2))
    assert cost("{ users(max: 3) { friends { age } } }") == 3 * (1 + 4 * (1 + 2))


def test_a_connection_sizes_its_edges_and_nodes_not_itself() -> None:
    document = """
      { connection(last: 3) {
          totalCount pageInfo { hasNextPage } edges { node { name } } nodes { age } } }
    """

    # connection 1 + pageInfo 1 + edges 3 x (Edge 1 + User 1) + nodes 3 x (User 1 + age 2)
    assert cost(document) == 1 + 1 + 3 * 2 + 3 * 3


def test_a_connection_without_slicing_argument_takes_its_assumed_size() -> None:
    assert cost("{ connection { nodes { name } } }") == 1 + 20 * 1


def test_a_list_argument_sizes_by_its_length() -> None:
    assert cost("query($ids: [ID!]!) { byIds(ids: $ids) { name } }", {"ids": ["a", "b"]}) == 2
    assert cost('{ byIds(ids: ["a", "b", "c"]) { name } }') == 3


def test_aliases_count_each_time_and_repeated_fields_once() -> None:
    document = """
      { a: user { name } b: user { name } user { name } user { age } ...more }
      fragment more on Query { user { age } }
    """

    assert cost(document) == 1 + 1 + (1 + 2)


def test_a_root_mutation_field_costs_ten() -> None:
    assert cost('mutation { rename(name: "x") { name friends { name } } }') == 10 + 4


def test_introspection_costs_nothing() -> None:
    assert cost("{ __schema { types { name fields { name } } } __typename }") == 0


def test_the_operation_named_is_the_one_costed() -> None:
    document = parse_document("query A { user { name } } query B { users(max: 9) { name } }")

    assert operation_cost(SMALL, document, "B", None) == 9
    assert operation_cost(SMALL, document, "C", None) == 0


# What Masthead's own directives make of its documents.
MASTHEAD = build_masthead_schema()._schema  # noqa: SLF001 - the graphql-core schema
EXAMPLE_COSTS = {
    # posts 1 + 20 x (Post 1 + author 1 + avatar 1 + tags 10 + coverImage 1)
    "home": 281,
    # post 1 + author (1 + posts (1 + 3)) + tags 10 + related 3 + seo (1 + ogImage 1)
    "post": 21,
    # tag 1 + posts (1 + totalCount 1 + pageInfo 1 + edges 50 x (PostEdge 1 + Post 1))
    "tag": 104,
    # authors 1 + 50 x (Author 1 + posts (1 + 5 x (Post 1 + tags 10)))
    "authors": 2851,
    # posts (1 + totalCount 1 + 20 x (Post 1 + tags 10))
    "filtered": 222,
    # search (1 + totalCount 1 + edges 20 x (SearchEdge 1 + SearchResult 1))
    "search": 42,
}


def test_the_six_examples_cost_what_their_shape_says_well_under_the_default_limit() -> None:
    limit = Settings().max_cost
    costs = {}
    for example in load_examples():
        document = parse_document(example.query)
        plan = cost_plan(MASTHEAD, document, None)
        started = time.perf_counter()
        costs[example.name] = plan.evaluate(example.variables)
        microseconds = (time.perf_counter() - started) * 1e6
        print(f"{example.name}: {costs[example.name]} of {limit} ({microseconds:.1f} µs)")  # noqa: T201

    assert costs == EXAMPLE_COSTS
    assert max(costs.values()) * 3 < limit


def test_the_alias_attack_costs_far_more_than_the_default_limit() -> None:
    document = parse_document("{" + " ".join(f"a{i}: {ATTACK_PART}" for i in range(200)) + "}")

    # Per alias: posts 1 + 100 x (Post 1 + tags 10 x (Tag 1 + posts (1 + 100 x Post 1))).
    assert operation_cost(MASTHEAD, document, None, None) == 200 * (1 + 100 * (1 + 10 * 102))
    assert operation_cost(MASTHEAD, document, None, None) > Settings().max_cost


def test_every_list_of_objects_in_the_schema_has_a_size() -> None:
    unsized = [
        f"{type_.name}.{name}"
        for type_ in MASTHEAD.type_map.values()
        if isinstance(type_, GraphQLObjectType) and not type_.name.startswith("__")
        for name, field in type_.fields.items()
        if isinstance(get_nullable_type(field.type), GraphQLList)  # type: ignore[arg-type]
        and is_composite_type(get_named_type(field.type))
        and list_rule(field) is None
        and not (type_.name.endswith("Connection") and name in {"edges", "nodes"})
        and name != "userErrors"  # what went wrong with one mutation: a handful at most
    ]

    assert unsized == []


async def test_every_answer_says_what_it_cost_and_the_limit(gql: GraphQLClient) -> None:
    limit = Settings().max_cost

    body = await gql.query("query($n: Int) { posts(first: $n) { nodes { title } } }", {"n": 3})
    invalid = await gql.query("{ posts { nope } }")
    unparsable = await gql.query("{ posts { ")

    assert body["extensions"]["cost"] == {"requested": 1 + 3, "limit": limit}
    assert invalid["extensions"]["cost"] == {"requested": 0, "limit": limit}
    assert unparsable["extensions"]["cost"] == {"requested": 0, "limit": limit}


async def test_an_operation_over_the_limit_is_refused_before_anything_runs(
    gql: GraphQLClient,
) -> None:
    body = await gql.query("{ " + ATTACK_PART + " }")

    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == ["COST_LIMIT_EXCEEDED"]
    assert body["extensions"]["cost"]["requested"] == 1 + 100 * (1 + 10 * 102)
    assert gql.last_statements == 0


@pytest.mark.parametrize(("first", "refused"), [(100, False), (2000, True)])
async def test_the_same_document_is_costed_with_each_requests_variables(
    gql: GraphQLClient, first: int, *, refused: bool
) -> None:
    document = "query($n: Int) { posts(first: $n) { nodes { tags { name } } } }"

    body = await gql.query(document, {"n": first})

    assert body["extensions"]["cost"]["requested"] == 1 + first * (1 + 10)
    codes = [error["extensions"]["code"] for error in body.get("errors", [])]
    assert ("COST_LIMIT_EXCEEDED" in codes) is refused


async def test_a_costly_operation_is_a_request_error_in_graphql_over_http(
    gql: GraphQLClient,
) -> None:
    response = await gql.client.post(
        "/graphql",
        json={
            "query": "query($n: Int) { posts(first: $n) { nodes { title } } }",
            "variables": {"n": 20_000},
        },
        headers={"Accept": "application/graphql-response+json"},
    )

    body = response.json()
    assert response.status_code == 400
    assert "data" not in body
    assert [error["extensions"]["code"] for error in body["errors"]] == ["COST_LIMIT_EXCEEDED"]
    assert body["extensions"]["cost"] == {"requested": 1 + 20_000, "limit": Settings().max_cost}


async def test_a_request_refused_before_it_runs_says_it_cost_nothing(gql: GraphQLClient) -> None:
    unreadable = await gql.client.post(
        "/graphql", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    without_query = await gql.client.post("/graphql", json={"variables": {}})

    limit = Settings().max_cost
    assert unreadable.status_code == without_query.status_code == 400
    assert unreadable.json()["extensions"]["cost"] == {"requested": 0, "limit": limit}
    assert without_query.json()["extensions"]["cost"] == {"requested": 0, "limit": limit}
