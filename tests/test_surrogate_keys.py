"""Surrogate keys: public answers list what they read; a change's keys reach each one it alters."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.database import StatementTally
from masthead.demo.seed import seed
from masthead.graphiql.examples import load_examples
from masthead.models import Base, ContentStatus, Event, Tag
from masthead.resolvers.core.changes import keys_of_change
from masthead.resolvers.core.ids import decode_id, encode_id
from masthead.resolvers.core.read_keys import KEYED_TABLES, UNKEYED_TABLES
from tests.conftest import AppClient, TokenMaker
from tests.factories import Factory
from tests.writing import PUBLISH_POST, UNPUBLISH_POST, UPDATE_POST

EXAMPLES = {example.name: (example.query, example.variables) for example in load_examples()}
WELCOME = "welcome-to-masthead"
SITE = """{ post(slug: "welcome-to-masthead") { id author { id } tags { id }
  coverImage { id } } page(path: "/about") { id } tag(slug: "python") { id } }"""
# Lookups and relations beyond the examples; `$post`, `$author`, `$draft`, `$asset` and
# `$about` are the IDs of the seeded site.
EXTRA = {
    "post by id": """query($post: ID!) { post(id: $post) { title status author { name }
      coAuthors { name } tags { name } coverImage { alt } translations { title } } }""",
    "draft by id": "query($draft: ID!) { post(id: $draft) { title } }",
    "draft by slug": '{ post(slug: "draft-on-data") { title } }',
    "new by slug": '{ post(slug: "brand-new-data") { title } }',
    "python data posts": """{ posts(where: { tags: { some: { slug: { eq: "python" } } },
      title: { contains: "data" } }) { totalCount nodes { title } } }""",
    "posts by author name": """{ posts(where: { author: { name: { eq: "Renamed Author" } } })
      { totalCount nodes { title } } }""",
    "node": "query($author: ID!) { node(id: $author) { ... on Author { name postCount } } }",
    "nodes": "query($post: ID!, $author: ID!) { nodes(ids: [$post, $author]) { id } }",
    "tags": "{ tags(first: 100) { totalCount nodes { name postCount } } }",
    "tag by slug": '{ tag(slug: "python") { name postCount } }',
    "author by id": """query($author: ID!) { author(id: $author) { name postCount
      avatar { alt } posts(first: 3) { nodes { title } } } }""",
    "asset by id": "query($asset: ID!) { asset(id: $asset) { alt } }",
    "assets": "{ assets(first: 100) { nodes { alt } } }",
    "page by path": """{ page(path: "/about/team/engineering") { title
      ancestors { title } parent { title } translations { title } } }""",
    "page by id": "query($about: ID!) { page(id: $about) { title children { title } } }",
    "pages": "{ pages(first: 100) { totalCount nodes { title path } } }",
    "search posts": '{ search(query: "data", types: [POST]) { totalCount nodes { __typename } } }',
}


@dataclass
class Site:
    """The demo content plus a draft, and the global IDs the documents ask for."""

    ids: dict[str, str]
    admin: dict[str, str]

    def documents(self) -> dict[str, tuple[str, dict[str, Any]]]:
        """The examples with their variables, and the extra documents with the site's IDs."""
        return EXAMPLES | {name: (query, self.ids) for name, query in EXTRA.items()}


@dataclass(frozen=True)
class Answer:
    """One public answer: its JSON and the keys it carries."""

    body: Any
    keys: frozenset[str]


async def public(client: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> Answer:
    """The answer to a public GET, which must be a keyed, public 200 without errors."""
    params = {"query": query, "variables": orjson.dumps(variables).decode()}
    response = await client.get("/graphql", params=params)
    assert response.status_code == 200
    assert "errors" not in response.json(), response.json()
    assert response.headers["cache-control"].startswith("public")
    keys = response.headers["surrogate-key"].split(" ")
    assert response.headers["cache-tag"].split(",") == keys
    return Answer(response.json(), frozenset(keys))


async def mutate(client: httpx.AsyncClient, site: Site, document: str, **variables: Any) -> Any:
    response = await client.post(
        "/graphql", json={"query": document, "variables": variables}, headers=site.admin
    )
    body = response.json()
    assert "errors" not in body, body
    for payload in body["data"].values():
        assert payload["userErrors"] == [], payload
    return body["data"]


@pytest.fixture
async def site(engine: AsyncEngine, client: httpx.AsyncClient, token: TokenMaker) -> Site:
    await seed(engine, posts=30, seed=1, progress=False)
    async with engine.connect() as connection:
        python = await connection.scalar(select(Tag.id).where(Tag.slug == "python"))
    draft = await Factory(engine).post(
        slug="draft-on-data", title="A draft on data", status=ContentStatus.DRAFT,
        published_at=None, tags=[{"id": python}], author_id=1,
    )  # fmt: skip
    data = (await public(client, SITE, {})).body["data"]
    ids = {
        "post": data["post"]["id"],
        "author": data["post"]["author"]["id"],
        "asset": data["post"]["coverImage"]["id"],
        "about": data["page"]["id"],
        "python": data["tag"]["id"],
        "draft": encode_id("Post", draft["id"]),
        "welcome tag": data["post"]["tags"][0]["id"],
    }
    return Site(ids, await token("admin"))


# Changes through the API, each with the documents whose answers it must change.
Change = Callable[[httpx.AsyncClient, Site], Awaitable[object]]
DELETE_TAG = "mutation($id: ID!) { deleteTag(id: $id) { deletedId userErrors { code } } }"
UPDATE_AUTHOR = """mutation($id: ID!, $input: AuthorInput!) {
  updateAuthor(id: $id, input: $input) { author { id } userErrors { code } } }"""
UPDATE_ASSET = """mutation($id: ID!, $input: AssetInput!) {
  updateAsset(id: $id, input: $input) { asset { id } userErrors { code } } }"""
UPDATE_PAGE = """mutation($id: ID!, $input: PageInput!) {
  updatePage(id: $id, input: $input) { page { id } userErrors { code } } }"""
CREATE_POST = """mutation($input: PostInput!) {
  createPost(input: $input) { post { id } userErrors { code } } }"""


async def _create_post(client: httpx.AsyncClient, site: Site) -> None:
    given = {"slug": "brand-new-data", "title": "Brand new data", "body": "New.",
             "author": site.ids["author"], "tags": [site.ids["python"]]}  # fmt: skip
    created = await mutate(client, site, CREATE_POST, input=given)
    await mutate(client, site, PUBLISH_POST, id=created["createPost"]["post"]["id"])


def _edit(document: str, target: str, **given: Any) -> Change:
    """A change made by `document` to the site's entry `target`, with `input` if given."""

    def change(client: httpx.AsyncClient, site: Site) -> Awaitable[object]:
        variables = {"id": site.ids[target]} | ({"input": given} if given else {})
        return mutate(client, site, document, **variables)

    return change


CHANGES: dict[str, tuple[Change, set[str]]] = {
    "retitle a post": (_edit(UPDATE_POST, "post", title="Hello"), {"post", "post by id"}),
    "publish a draft": (
        _edit(PUBLISH_POST, "draft"),
        {"draft by id", "draft by slug", "python data posts", "tag", "home"},
    ),
    "delete a tag": (_edit(DELETE_TAG, "welcome tag"), {"post", "post by id", "tags"}),
    "create a post": (_create_post, {"new by slug", "python data posts", "tag", "home"}),
    "rename an author": (
        _edit(UPDATE_AUTHOR, "author", name="Renamed Author"),
        {"post", "post by id", "node", "author by id", "posts by author name", "authors"},
    ),
    "change an asset": (
        _edit(UPDATE_ASSET, "asset", alt="New alt"),
        {"asset by id", "post by id", "assets"},
    ),
    "retitle a page": (
        _edit(UPDATE_PAGE, "about", title="About, renamed"),
        {"page by id", "page by path", "pages"},
    ),
    "unpublish a post": (_edit(UNPUBLISH_POST, "post"), {"post", "post by id", "nodes"}),
}


async def _answers(client: httpx.AsyncClient, site: Site) -> dict[str, Answer]:
    return {name: await public(client, *document) for name, document in site.documents().items()}


async def _keys_since(engine: AsyncEngine, event_id: int) -> set[str]:
    """The keys of every event after `event_id`: what a webhook body lists."""
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(Event.entity_type, Event.entity_id).where(Event.id > event_id)
        )
        return {key for row in rows for key in keys_of_change(row.entity_type, row.entity_id)}


async def _last_event(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(Event.id).order_by(Event.id.desc())) or 0)


@pytest.mark.parametrize("name", list(CHANGES))
async def test_the_keys_of_a_change_reach_every_cached_answer_it_alters(
    name: str, site: Site, app_client: AppClient, engine: AsyncEngine
) -> None:
    cached = app_client(response_cache_entries=1000)
    before = await _answers(cached, site)
    since = await _last_event(engine)
    change, must_change = CHANGES[name]

    await change(cached, site)

    keys = await _keys_since(engine, since)
    after = await _answers(cached, site)
    changed = {doc for doc in before if after[doc].body != before[doc].body}
    assert must_change <= changed
    missed = {doc: sorted(before[doc].keys) for doc in changed if not before[doc].keys & keys}
    assert missed == {}, f"purging {sorted(keys)} leaves stale: {missed}"


async def test_an_edit_leaves_the_answers_of_other_entries_in_place(
    site: Site, client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    factory = Factory(engine)
    author = await factory.author(slug="someone-else")
    other = await factory.post(slug="someone-elses-post", author_id=author["id"])
    lookup = "query($id: ID!) { post(id: $id) { title author { name } tags { name } } }"
    answer = await public(client, lookup, {"id": encode_id("Post", other["id"])})
    since = await _last_event(engine)

    await mutate(client, site, UPDATE_AUTHOR, id=site.ids["author"], input={"name": "Renamed"})
    await mutate(client, site, UPDATE_POST, id=site.ids["post"], input={"title": "Hello"})

    keys = await _keys_since(engine, since)
    entries = {f"post:{other['id']}", f"author:{author['id']}"}
    assert answer.keys == {"masthead", "tags", *entries}
    assert not answer.keys & keys


# Each example's list keys, and the types of the entries it shows (on the demo content,
# no post lies in the filtered example's range).
EXPECTED = {
    "home": ({"posts", "tags"}, {"post", "author", "tag", "asset"}),
    "post": ({"posts", "tags"}, {"post", "author", "tag", "asset"}),
    "tag": ({"posts", "tags"}, {"post", "tag"}),
    "authors": ({"authors", "posts", "tags"}, {"author", "post", "tag"}),
    "filtered": ({"posts", "tags"}, set()),
    "search": ({"posts", "pages", "authors", "tags"}, {"post", "page", "author", "tag"}),
}


@pytest.mark.parametrize("name", list(EXAMPLES))
async def test_each_example_answers_with_the_keys_of_what_it_read(
    name: str, site: Site, client: httpx.AsyncClient
) -> None:
    query, variables = EXAMPLES[name]
    got = await public(client, query, variables)
    posted = await client.post("/graphql", json={"query": query, "variables": variables})

    lists, entry_types = EXPECTED[name]
    assert {"masthead", *lists} <= got.keys
    assert {key.partition(":")[0] for key in got.keys if ":" in key} == entry_types
    assert "cache-control" not in posted.headers
    assert set(posted.headers["surrogate-key"].split(" ")) == got.keys
    assert posted.headers["cache-tag"] == posted.headers["surrogate-key"].replace(" ", ",")


async def test_a_lookup_that_finds_nothing_still_carries_the_keys_of_what_would_answer(
    site: Site, client: httpx.AsyncClient
) -> None:
    document = """{ post(slug: "nope") { id } page(path: "/nope") { id } tag(slug: "nope") { id }
      author(slug: "nope") { id } asset(id: "QXNzZXQ6OTk5OQ") { id } }"""

    answer = await public(client, document, {})

    assert set(answer.body["data"].values()) == {None}
    assert answer.keys == {"masthead", "posts", "pages", "tags", "authors", "asset:9999"}


async def test_a_cached_answer_and_a_304_carry_the_keys_of_the_answer_they_repeat(
    site: Site, app_client: AppClient
) -> None:
    cached = app_client(response_cache_entries=1000)
    query, variables = EXAMPLES["post"]
    params = {"query": query, "variables": orjson.dumps(variables).decode()}
    first = await cached.get("/graphql", params=params)
    before = StatementTally.total

    again = await cached.get("/graphql", params=params)
    unchanged = await cached.get(
        "/graphql", params=params, headers={"If-None-Match": first.headers["etag"]}
    )

    assert StatementTally.total - before == 2  # the change-log checks alone: cache hits
    assert unchanged.status_code == 304
    for name in ("surrogate-key", "cache-tag"):
        assert again.headers[name] == unchanged.headers[name] == first.headers[name]
    posted = await cached.post("/graphql", json={"query": query, "variables": variables})
    assert posted.headers["surrogate-key"] == first.headers["surrogate-key"]


async def test_answers_to_a_token_carry_no_keys(site: Site, client: httpx.AsyncClient) -> None:
    query, variables = EXAMPLES["home"]
    params = {"query": query, "variables": orjson.dumps(variables).decode()}
    document = {"query": query, "variables": variables}

    got = await client.get("/graphql", params=params, headers=site.admin)
    posted = await client.post("/graphql", json=document, headers=site.admin)

    assert (await public(client, query, variables)).keys
    for response in (got, posted):
        assert response.headers["cache-control"] == "private, no-store"
        assert "surrogate-key" not in response.headers
        assert "cache-tag" not in response.headers


async def test_past_the_size_limit_only_the_list_keys_are_sent(
    site: Site, app_client: AppClient
) -> None:
    query, variables = EXAMPLES["home"]
    full = await public(app_client(), query, variables)
    limit = len(" ".join(full.keys)) - 1

    coarse = await public(app_client(surrogate_key_bytes=limit), query, variables)

    types = {key.partition(":")[0] + "s" for key in full.keys if ":" in key}
    assert coarse.keys == {key for key in full.keys if ":" not in key} | types
    assert coarse.keys == {"masthead", "posts", "tags", "authors", "assets"}


async def test_keys_switched_off_send_no_header(site: Site, app_client: AppClient) -> None:
    response = await app_client(surrogate_key_bytes=0).get("/graphql", params={"query": SITE})

    assert response.headers["cache-control"].startswith("public")
    assert "surrogate-key" not in response.headers
    assert "cache-tag" not in response.headers


async def test_keys_cost_no_statement(site: Site, app_client: AppClient) -> None:
    keyed, plain = app_client(), app_client(surrogate_key_bytes=0)
    counts: dict[str, list[int]] = {}
    for name, (query, variables) in site.documents().items():
        for client in (keyed, plain):
            before = StatementTally.total
            await client.post("/graphql", json={"query": query, "variables": variables})
            counts.setdefault(name, []).append(StatementTally.total - before)

    assert all(keyed == plain for keyed, plain in counts.values()), counts


async def test_a_batch_carries_the_keys_of_all_its_operations(
    site: Site, app_client: AppClient
) -> None:
    batch = [{"query": '{ tag(slug: "python") { name } }'}, {"query": EXTRA["draft by id"],
             "variables": site.ids}]  # fmt: skip

    response = await app_client(batch_max_operations=2).post("/graphql", json=batch)

    keys = set(response.headers["surrogate-key"].split(" "))
    draft = decode_id(site.ids["draft"], "Post")
    assert keys == {"masthead", "tags", "tag:1", f"post:{draft}"}


def test_every_table_is_keyed_or_said_to_need_no_key() -> None:
    assert set(Base.metadata.tables) == set(KEYED_TABLES) | UNKEYED_TABLES
    assert not set(KEYED_TABLES) & UNKEYED_TABLES
