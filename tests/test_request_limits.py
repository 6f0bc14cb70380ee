"""Limits checked before anything runs: depth, aliases, tokens, directives, batches.

Each refusal is checked for its code, its HTTP status and that no SQL statement was issued
(every document here selects `posts`, whose resolver reads the database when it runs).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from graphql import get_introspection_query, parse
from graphql.language import Lexer, Source, TokenKind
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.database import StatementTally
from masthead.edge.document_checks import (
    DocumentChecks,
    Examined,
    Refusal,
    alias_count,
    most_directives,
    query_depth,
)
from masthead.graphiql.examples import load_examples
from masthead.resolvers.core.ids import encode_id
from masthead.settings import Settings
from tests.conftest import AppClient
from tests.factories import Factory

OTHER_DOCUMENTS = 100  # more than 50,000 bytes of verdicts

DEFAULTS = Settings()
GRAPHQL_RESPONSE = "application/graphql-response+json"
# Fields that nest without end: Query.posts, PostConnection.nodes, Post.author, Author.posts.
CHAIN = ("posts(first: 1)", "nodes", "author")


def nested(depth: int) -> str:
    """A document whose deepest field is `depth` levels down, reading posts at each level."""
    fields = [CHAIN[n % len(CHAIN)] for n in range(depth - 1)]
    return "{ " + " { ".join([*fields, "__typename"]) + " }" * (depth - 1) + " }"


def aliased(count: int) -> str:
    return "{ " + " ".join(f"a{n}: posts(first: 1) {{ totalCount }}" for n in range(count)) + " }"


def tokens(document: str) -> int:
    lexer, count = Lexer(Source(document)), 0
    while lexer.advance().kind != TokenKind.EOF:
        count += 1
    return count


@pytest.fixture
async def content(engine: AsyncEngine) -> None:
    await Factory(engine).post()


async def post(
    client: httpx.AsyncClient, body: object, accept: str = "application/json"
) -> tuple[httpx.Response, int]:
    """The response and the number of SQL statements the request issued."""
    before = StatementTally.total
    response = await client.post("/graphql", json=body, headers={"Accept": accept})
    return response, StatementTally.total - before


async def refused(client: httpx.AsyncClient, document: str) -> dict[str, Any]:
    """The one error of a document refused before it ran (application/json: 200, no data)."""
    response, statements = await post(client, {"query": document})
    body: dict[str, Any] = response.json()
    assert (response.status_code, body["data"], statements) == (200, None, 0), body
    assert len(body["errors"]) == 1
    error: dict[str, Any] = body["errors"][0]
    return error


async def ran(client: httpx.AsyncClient, document: str) -> int:
    """The statements of a document that ran without error."""
    response, statements = await post(client, {"query": document})
    assert response.status_code == 200
    assert "errors" not in response.json(), response.json()
    return statements


async def test_a_query_deeper_than_the_limit_is_refused(
    client: httpx.AsyncClient, content: None
) -> None:
    limit = DEFAULTS.max_query_depth
    assert await ran(client, nested(limit)) > 0

    error = await refused(client, nested(limit + 1))

    assert error["extensions"]["code"] == "QUERY_TOO_DEEP"
    assert error["message"] == f"query depth {limit + 1} exceeds the limit of {limit}"


async def test_depth_is_counted_through_fragments(app_client: AppClient, content: None) -> None:
    client = app_client(max_query_depth=4)
    document = """{ ...Top } fragment Top on Query { posts(first: 1) { ...Nodes } }
      fragment Nodes on PostConnection { nodes { author { posts(first: 1) { totalCount } } } }"""

    error = await refused(client, document)

    assert error["message"] == "query depth 5 exceeds the limit of 4"


async def test_a_document_nested_past_what_the_parser_takes_is_too_deep(
    client: httpx.AsyncClient,
) -> None:
    error = await refused(client, "{ posts " + "{ nodes " * 600 + "}" * 601)

    assert error["extensions"]["code"] == "QUERY_TOO_DEEP"


async def test_more_aliases_than_the_limit_are_refused(
    client: httpx.AsyncClient, content: None
) -> None:
    limit = DEFAULTS.max_aliases
    assert await ran(client, aliased(limit)) > 0

    error = await refused(client, aliased(limit + 1))

    assert error["extensions"]["code"] == "TOO_MANY_ALIASES"
    assert error["message"] == f"{limit + 1} aliases exceed the limit of {limit}"


async def test_aliases_in_a_fragment_count_wherever_it_is_spread(
    app_client: AppClient, content: None
) -> None:
    client = app_client(max_aliases=5)
    fragment = "fragment Three on PostConnection { a: totalCount b: totalCount c: totalCount }"

    error = await refused(
        client, f"{{ posts {{ ...Three }} tagged: posts {{ ...Three }} }} {fragment}"
    )

    assert error["message"] == "7 aliases exceed the limit of 5"


def listing(ids: int) -> str:
    """`nodes(ids: [...])` with `ids` global IDs: 12 tokens and one per ID."""
    values = " ".join(f'"{encode_id("Post", n)}"' for n in range(1, ids + 1))
    return f"{{ nodes(ids: [{values}]) {{ __typename }} }}"


async def test_more_tokens_than_the_limit_are_refused_while_parsing(
    client: httpx.AsyncClient, content: None
) -> None:
    limit = DEFAULTS.max_tokens
    assert tokens(listing(limit - 12)) == limit
    assert await ran(client, listing(limit - 12)) > 0

    error = await refused(client, listing(limit - 11))

    assert error["extensions"]["code"] == "TOO_MANY_TOKENS"
    assert error["message"] == f"the document exceeds the limit of {limit} tokens"


async def test_more_directives_on_one_field_than_the_limit_are_refused(
    client: httpx.AsyncClient, content: None
) -> None:
    limit = DEFAULTS.max_directives_per_field
    assert await ran(client, "{ posts @include(if: true) @skip(if: false) { totalCount } }") > 0
    directives = " ".join(["@include(if: true)"] * (limit + 1))

    error = await refused(client, f"{{ posts {directives} {{ totalCount }} }}")

    assert error["extensions"]["code"] == "TOO_MANY_DIRECTIVES"
    assert error["message"] == f"{limit + 1} directives on one field exceed the limit of {limit}"


@pytest.mark.parametrize(("accept", "status"), [(GRAPHQL_RESPONSE, 400), ("application/json", 200)])
async def test_a_refused_document_is_a_request_error_in_either_media_type(
    client: httpx.AsyncClient, accept: str, status: int
) -> None:
    response, _ = await post(client, {"query": nested(DEFAULTS.max_query_depth + 1)}, accept)

    assert response.status_code == status
    assert response.headers["content-type"] == accept
    assert ("data" in response.json()) == (accept == "application/json")


async def test_a_document_sent_by_get_is_checked_too(
    client: httpx.AsyncClient, content: None
) -> None:
    before = StatementTally.total
    response = await client.get("/graphql", params={"query": aliased(DEFAULTS.max_aliases + 1)})

    assert response.json()["errors"][0]["extensions"]["code"] == "TOO_MANY_ALIASES"
    assert StatementTally.total == before


@pytest.mark.parametrize("body", [{"query": aliased(31)}, [{"query": "{ __typename }"}]])
async def test_a_refusal_costs_no_statement_with_the_response_cache_on(
    app_client: AppClient, content: None, body: object
) -> None:
    client = app_client(response_cache_entries=1000)
    _, lookup = await post(client, {"query": "{ __typename }"})
    assert lookup > 0  # the cache asks the database for its position first

    response, statements = await post(client, body)

    assert response.json()["errors"][0]["extensions"]["code"] in {
        "TOO_MANY_ALIASES",
        "BATCH_LIMIT_EXCEEDED",
    }
    assert statements == 0


async def test_a_batch_is_refused_while_batching_is_off(
    client: httpx.AsyncClient, content: None
) -> None:
    operation = {"query": "{ posts { totalCount } }"}

    response, statements = await post(client, [operation])

    assert (response.status_code, statements) == (400, 0)
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BATCH_LIMIT_EXCEEDED"
    assert "batching is off" in error["message"]


async def test_batches_run_up_to_their_limit_when_batching_is_on(
    app_client: AppClient, content: None
) -> None:
    client = app_client(batch_max_operations=2)
    operation = {"query": "{ posts { totalCount } }"}

    answered, statements = await post(client, [operation, operation])
    over, over_statements = await post(client, [operation] * 3)

    assert [each["data"] for each in answered.json()] == [{"posts": {"totalCount": 1}}] * 2
    assert statements > 0
    assert (over.status_code, over_statements) == (400, 0)
    error = over.json()["errors"][0]
    assert error["extensions"]["code"] == "BATCH_LIMIT_EXCEEDED"
    assert error["message"] == "a batch of 3 operations exceeds the limit of 2"


async def test_one_document_over_a_limit_refuses_its_whole_batch_before_any_runs(
    app_client: AppClient, content: None
) -> None:
    client = app_client(batch_max_operations=2)
    operations = [{"query": "{ posts { totalCount } }"}, {"query": aliased(40)}]

    response, statements = await post(client, operations)

    assert response.json()["errors"][0]["extensions"]["code"] == "TOO_MANY_ALIASES"
    assert statements == 0


@pytest.mark.parametrize("example", load_examples(), ids=lambda example: example.name)
def test_each_example_query_fits_every_default_limit_with_room(example: Any) -> None:
    document = parse(example.query)
    measured = (query_depth(document), alias_count(document), most_directives(document))
    limits = (DEFAULTS.max_query_depth, DEFAULTS.max_aliases, DEFAULTS.max_directives_per_field)

    assert all(value <= limit // 2 for value, limit in zip(measured, limits, strict=True))
    assert tokens(example.query) <= DEFAULTS.max_tokens // 4
    assert len(example.query.encode()) <= DEFAULTS.max_request_bytes // 100


async def test_the_full_introspection_query_passes_the_default_limits(
    client: httpx.AsyncClient,
) -> None:
    query = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )

    response, _ = await post(client, {"query": query})

    assert "errors" not in response.json()
    assert response.json()["data"]["__schema"]["queryType"]["name"] == "Query"


def test_each_document_is_checked_once_until_it_leaves_the_cache(settings: Settings) -> None:
    examined: list[str] = []

    def note(subject: Examined) -> Refusal | None:
        examined.append(subject.document.definitions[0].kind)
        return None

    small = settings.model_copy(update={"document_cache_bytes": 50_000})
    checks = DocumentChecks(small, schema=None, checks=(note,))
    checks.verdict("{ a }")
    checks.verdict("{ a }")
    assert len(examined) == 1
    for n in range(OTHER_DOCUMENTS):
        checks.verdict(f"{{ a{n} }}")
    checks.verdict("{ a }")

    assert len(examined) == OTHER_DOCUMENTS + 2
    assert 0 < checks.verdicts.bytes <= 50_000
