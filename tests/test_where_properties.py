"""Property: whatever `where` filters and IDs an anonymous reader sends, the answer is never
a server error and never shows a hidden entry (draft, scheduled for later, archived, a
draft parent of a visible page, a hidden translation, a draft post by a visible author).

Hypothesis generates the inputs (nested AND/OR/NOT, every field filter and operator,
relation filters, unicode and SQL metacharacters, huge and negative numbers, malformed and
huge IDs) against one seeded database; examples are derandomized, so every run sends the
same requests."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import ContentStatus
from masthead.resolvers.core.ids import encode_id
from tests.conftest import GraphQLClient
from tests.factories import Factory

PAST = datetime.now(UTC) - timedelta(days=1)
FUTURE = datetime.now(UTC) + timedelta(days=1)
MARKER = "Sekrit"  # in the title of every hidden entry, and of nothing visible
HIDDEN = {
    "draft": (ContentStatus.DRAFT, None),
    "later": (ContentStatus.SCHEDULED, FUTURE),
    "archived": (ContentStatus.ARCHIVED, PAST),
}
TYPES = ("Post", "Page", "Author", "Tag", "Asset")

STRING = "String"
DATE = "DateTime"
INT = "Int"
BOOL = "Boolean"
ID = "ID"
STATUS = "Status"
FIELDS: dict[str, dict[str, str]] = {
    "Post": {
        "id": ID, "slug": STRING, "title": STRING, "excerpt": STRING, "status": STATUS,
        "publishedAt": DATE, "createdAt": DATE, "updatedAt": DATE, "featured": BOOL,
        "locale": STRING, "version": INT,
    },
    "Page": {
        "id": ID, "path": STRING, "slug": STRING, "title": STRING, "status": STATUS,
        "publishedAt": DATE, "createdAt": DATE, "updatedAt": DATE, "locale": STRING,
    },
    "Author": {
        "id": ID, "slug": STRING, "name": STRING, "bio": STRING, "website": STRING,
        "createdAt": DATE,
    },
    "Tag": {"id": ID, "slug": STRING, "name": STRING, "description": STRING, "createdAt": DATE},
    "Asset": {
        "id": ID, "filename": STRING, "mimeType": STRING, "size": INT, "width": INT,
        "height": INT, "createdAt": DATE,
    },
}  # fmt: skip
OPERATORS = {
    STRING: ("eq", "ne", "in", "notIn", "contains", "startsWith", "endsWith", "isNull"),
    DATE: ("eq", "ne", "gt", "gte", "lt", "lte", "isNull"),
    INT: ("eq", "ne", "in", "gt", "gte", "lt", "lte"),
    BOOL: ("eq",),
    ID: ("eq", "in"),
    STATUS: ("eq", "in"),
}
# Relation filters: field -> (target type, quantifiers or None for a to-one relation).
RELATIONS: dict[str, dict[str, tuple[str, tuple[str, ...] | None]]] = {
    "Post": {"author": ("Author", None), "tags": ("Tag", ("some", "every", "none"))},
    "Page": {"parent": ("Page", None)},
}
NASTY = [
    "\x00",
    "a\x00b",
    "%",
    "_",
    "\\",
    "'",
    '"',
    "' OR 1=1 --",
    "%' --",
    "\\%",
    "*",
    "[a]",
    "é",
    "ß",
    "🦓",
]


def _raw_id(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def strings(probes: list[str]) -> st.SearchStrategy[str]:
    """Any text, SQL and LIKE metacharacters, and the hidden entries' own values."""
    return st.one_of(st.text(max_size=20), st.sampled_from(NASTY + probes))


def ids(probes: list[str]) -> st.SearchStrategy[str]:
    """Valid, hidden, huge, negative, foreign and malformed global IDs."""
    keys = st.one_of(
        st.integers(min_value=-3, max_value=40),
        st.sampled_from([2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**21, 10**40]),
    )
    names = st.sampled_from([*TYPES, "Revision", "Nope", ""])
    return st.one_of(
        st.builds(lambda name, key: _raw_id(f"{name}:{key}"), names, keys),
        st.sampled_from(probes),
        st.text(max_size=12),
        st.text(max_size=12).map(_raw_id),
    )


def values(kind: str, probes: dict[str, list[str]]) -> st.SearchStrategy[Any]:
    """One operand of a `kind` filter, sometimes of the wrong shape or out of range."""
    if kind == STRING:
        return strings(probes["strings"])
    if kind == ID:
        return ids(probes["ids"])
    if kind == INT:
        return st.one_of(
            st.integers(min_value=-(2**31), max_value=2**31 - 1), st.integers(), st.just(0)
        )
    if kind == DATE:
        return st.one_of(
            st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat),
            st.sampled_from(["not a date", "2024-13-45T99:00:00Z", "0001-01-01T00:00:00+00:00"]),
        )
    if kind == STATUS:
        return st.sampled_from(["DRAFT", "SCHEDULED", "PUBLISHED", "ARCHIVED"])
    return st.booleans()


def column_filter(kind: str, probes: dict[str, list[str]]) -> st.SearchStrategy[dict[str, Any]]:
    """A filter input with one to three of the kind's operators."""

    def operand(operator: str) -> st.SearchStrategy[Any]:
        if operator in {"in", "notIn"}:
            return st.lists(values(kind, probes), max_size=4)
        if operator == "isNull":
            return st.booleans()
        return st.one_of(values(kind, probes), st.none())

    chosen = st.lists(st.sampled_from(OPERATORS[kind]), min_size=1, max_size=3, unique=True)
    return chosen.flatmap(lambda ops: st.fixed_dictionaries({op: operand(op) for op in ops}))


def where(type_name: str, probes: dict[str, list[str]], depth: int = 3) -> st.SearchStrategy[Any]:
    """A `*Where` input of `type_name`: up to three entries, nesting at most `depth` deep."""
    entries: list[st.SearchStrategy[tuple[str, Any]]] = [
        st.tuples(st.just(name), column_filter(kind, probes))
        for name, kind in FIELDS[type_name].items()
    ]
    if depth > 0:
        inner = where(type_name, probes, depth - 1)
        entries += [
            st.tuples(st.just("AND"), st.lists(inner, max_size=3)),
            st.tuples(st.just("OR"), st.lists(inner, max_size=3)),
            st.tuples(st.just("NOT"), inner),
        ]
        for name, (target, quantifiers) in RELATIONS.get(type_name, {}).items():
            related = where(target, probes, depth - 1)
            if quantifiers is None:
                entries.append(st.tuples(st.just(name), related))
            else:
                by_quantifier = st.fixed_dictionaries(
                    {}, optional=dict.fromkeys(quantifiers, related)
                )
                entries.append(st.tuples(st.just(name), by_quantifier))
    return st.lists(st.one_of(entries), max_size=3).map(dict)


async def _seed(engine: AsyncEngine) -> dict[str, Any]:
    """Visible content and hidden content of every kind; what must never be shown."""
    factory = Factory(engine)
    hidden: list[tuple[str, dict[str, Any]]] = []
    avatar = await factory.asset(filename="face.png")
    writer = await factory.author(slug="writer", name="Writer", avatar_id=avatar["id"])
    tag = await factory.tag(slug="news", name="News")
    shown = await factory.post(
        slug="shown", title="Shown", author_id=writer["id"], tags=[tag], translation_group="g"
    )
    for kind, (status, published_at) in HIDDEN.items():
        post = await factory.post(
            slug=f"post-{kind}", title=f"{MARKER} post {kind}", status=status,
            published_at=published_at, author_id=writer["id"], tags=[tag],
        )  # fmt: skip
        page = await factory.page(
            path=f"/{kind}", title=f"{MARKER} page {kind}", status=status,
            published_at=published_at,
        )  # fmt: skip
        await factory.page(path=f"/{kind}/child", title=f"Child of {kind}", parent_id=page["id"])
        hidden += [("Post", post), ("Page", page)]
    translation = await factory.post(
        slug="shown-de", title=f"{MARKER} translation", status=ContentStatus.DRAFT,
        published_at=None, locale="de", translation_group="g", author_id=writer["id"],
    )  # fmt: skip
    hidden.append(("Post", translation))
    visible = [encode_id("Post", shown["id"]), encode_id("Author", writer["id"])]
    hidden_ids = [encode_id(name, row["id"]) for name, row in hidden]
    return {
        "ids": hidden_ids,
        "slugs": {row["slug"] for _name, row in hidden},
        "paths": {row["path"] for name, row in hidden if name == "Page"},
        "probes": {
            "ids": hidden_ids + visible,
            "strings": [str(row[field]) for _name, row in hidden for field in ("slug", "title")],
        },
    }


LISTS = {
    "Post": (
        "query Q($where: PostWhere) { posts(where: $where, first: 50) { totalCount "
        "nodes { id slug title } } authors(first: 5) { nodes { posts(where: $where, first: 10) "
        "{ totalCount nodes { id slug title } } } } tags(first: 5) { nodes { "
        "posts(where: $where, first: 10) { totalCount nodes { id slug title } } } } }"
    ),
    "Page": (
        "query Q($where: PageWhere) { pages(where: $where, first: 50) { totalCount "
        "nodes { id slug title path parent { id slug title } ancestors { id title } } } }"
    ),
    "Author": "query Q($where: AuthorWhere) { authors(where: $where) { totalCount nodes { id } } }",
    "Tag": "query Q($where: TagWhere) { tags(where: $where) { totalCount nodes { id } } }",
    "Asset": "query Q($where: AssetWhere) { assets(where: $where) { totalCount nodes { id } } }",
}
LOOKUPS = (
    "query Q($id: ID!, $ids: [ID!]!) { node(id: $id) { id ... on Post { slug title } "
    "... on Page { slug title path } } nodes(ids: $ids) { id } post(id: $id) { slug title } "
    "page(id: $id) { slug title } author(id: $id) { slug } tag(id: $id) { slug } "
    "asset(id: $id) { id } }"
)


def _shown(data: Any) -> list[tuple[str, Any]]:
    """Every (field, value) pair anywhere in `data`."""
    if isinstance(data, dict):
        return [pair for key, value in data.items() for pair in [(key, value), *_shown(value)]]
    if isinstance(data, list):
        return [pair for item in data for pair in _shown(item)]
    return []


async def _check(gql: GraphQLClient, seed: dict[str, Any], document: str, variables: Any) -> None:
    response = await gql.client.post("/graphql", json={"query": document, "variables": variables})
    assert response.status_code < 500, response.text
    body = response.json()
    codes = [error.get("extensions", {}).get("code") for error in body.get("errors", [])]
    assert "INTERNAL_SERVER_ERROR" not in codes, (body, variables)
    data = body.get("data")
    assert MARKER not in json.dumps(data), (data, variables)
    for field, value in _shown(data):
        assert not (field == "id" and value in seed["ids"]), (data, variables)
        assert not (field == "slug" and value in seed["slugs"]), (data, variables)
        assert not (field == "path" and value in seed["paths"]), (data, variables)


@pytest.fixture
async def seed(engine: AsyncEngine) -> dict[str, Any]:
    """One seeded database for all of a property test's examples."""
    return await _seed(engine)


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_no_where_input_errors_or_shows_a_hidden_entry(
    gql: GraphQLClient, seed: dict[str, Any], data: st.DataObject
) -> None:
    type_name = data.draw(st.sampled_from(TYPES), label="type")
    filters = data.draw(where(type_name, seed["probes"]), label="where")
    await _check(gql, seed, LISTS[type_name], {"where": filters})


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
async def test_no_id_errors_or_shows_a_hidden_entry(
    gql: GraphQLClient, seed: dict[str, Any], data: st.DataObject
) -> None:
    strategy = ids(seed["probes"]["ids"])
    global_id = data.draw(strategy, label="id")
    others = data.draw(st.lists(strategy, max_size=4), label="ids")
    await _check(gql, seed, LOOKUPS, {"id": global_id, "ids": [global_id, *others]})


async def test_the_seed_hides_what_the_properties_look_for(
    gql: GraphQLClient, seed: dict[str, Any]
) -> None:
    preview_sees = await gql.data("{ posts(first: 50) { nodes { id } } }")

    assert len(seed["ids"]) == 7
    assert {node["id"] for node in preview_sees["posts"]["nodes"]}.isdisjoint(seed["ids"])


async def test_nul_in_where_text_is_bad_input(gql: GraphQLClient) -> None:
    for where in ({"slug": {"eq": "a\x00b"}}, {"title": {"in": ["ok", "\x00"]}}):
        body = await gql.query(
            "query Q($w: PostWhere) { posts(where: $w) { totalCount } }", {"w": where}
        )

        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["message"] == "text in `where` cannot contain the NUL character (U+0000)"


RELATED = {
    "parent": "query Q($w: PageWhere) { pages(where: {parent: $w}, first: 50) { nodes { "
    "parent { id } } } }",
    "author": "query Q($w: AuthorWhere) { posts(where: {author: $w}, first: 50) { nodes { "
    "author { id } } } }",
    "tags": "query Q($w: TagWhere) { posts(where: {tags: {some: $w}}, first: 50) { nodes { "
    "tags { id } } } }",
}


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
async def test_a_relation_filter_matches_only_through_a_related_entry_the_reader_sees(
    gql: GraphQLClient, seed: dict[str, Any], data: st.DataObject
) -> None:
    relation = data.draw(st.sampled_from(sorted(RELATED)), label="relation")
    target = {"parent": "Page", "author": "Author", "tags": "Tag"}[relation]
    filters = data.draw(where(target, seed["probes"], depth=2), label="where")

    body = await gql.query(RELATED[relation], {"w": filters})

    nodes = (body.get("data") or {}).get("pages" if relation == "parent" else "posts", {})
    for node in (nodes or {}).get("nodes", []):
        assert node[relation], (relation, filters, body)
