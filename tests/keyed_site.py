"""The site the surrogate-key tests read and change: documents, changes and their answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.demo.seed import seed
from masthead.graphiql.examples import load_examples
from masthead.models import ContentStatus, Event, Tag
from masthead.resolvers.core.changes import keys_of_change
from masthead.resolvers.core.ids import encode_id
from tests.conftest import TokenMaker
from tests.factories import Factory
from tests.writing import PUBLISH_POST, UNPUBLISH_POST, UPDATE_POST

EXAMPLES = {example.name: (example.query, example.variables) for example in load_examples()}
SITE = """{ post(slug: "welcome-to-masthead") { id author { id } tags { id }
  coverImage { id } } page(path: "/about") { id } tag(slug: "python") { id } }"""
# Lookups and relations beyond the examples; `$post`, `$author`, `$draft`, `$asset` and
# `$about` are IDs of the site (`Site.ids`).
EXTRA = {
    "post by id": """query($post: ID!) { post(id: $post) { title status author { name }
      coAuthors { name } tags { name } coverImage { alt } translations { title } } }""",
    "draft by id": "query($draft: ID!) { post(id: $draft) { title } }",
    "draft by slug": '{ post(slug: "draft-on-data") { title } }',
    "new by slug": '{ post(slug: "brand-new-data") { title } }',
    "new tag by slug": '{ tag(slug: "brand-new-tag") { name } }',
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
    """The data of a mutation made by an admin, which must have no errors of any kind."""
    response = await client.post(
        "/graphql", json={"query": document, "variables": variables}, headers=site.admin
    )
    body = response.json()
    assert "errors" not in body, body
    for payload in body["data"].values():
        assert payload["userErrors"] == [], payload
    return body["data"]


async def build_site(engine: AsyncEngine, client: httpx.AsyncClient, token: TokenMaker) -> Site:
    """The demo content, a draft and a spare author, and their IDs."""
    await seed(engine, posts=30, seed=1, progress=False)
    async with engine.connect() as connection:
        python = await connection.scalar(select(Tag.id).where(Tag.slug == "python"))
    factory = Factory(engine)
    helper = await factory.author(slug="helper-author")
    draft = await factory.post(
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
        "welcomeTag": data["post"]["tags"][0]["id"],
        "coAuthor": encode_id("Author", helper["id"]),
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
CREATE_TAG = """mutation($input: TagInput!) {
  createTag(input: $input) { tag { id } userErrors { code } } }"""
CREATE_PAGE = """mutation($input: PageInput!) {
  createPage(input: $input) { page { id } userErrors { code } } }"""
PUBLISH_PAGE = """mutation($id: ID!) { publishPage(id: $id) { page { id } userErrors { code } } }"""
DELETE_POST = "mutation($id: ID!) { deletePost(id: $id) { deletedId userErrors { code } } }"


async def _create_post(client: httpx.AsyncClient, site: Site) -> None:
    given = {"slug": "brand-new-data", "title": "Brand new data", "body": "New.",
             "author": site.ids["author"], "tags": [site.ids["python"]]}  # fmt: skip
    created = await mutate(client, site, CREATE_POST, input=given)
    await mutate(client, site, PUBLISH_POST, id=created["createPost"]["post"]["id"])


async def _create_page(client: httpx.AsyncClient, site: Site) -> None:
    given = {"slug": "new-child", "title": "A new child", "parent": site.ids["about"]}
    created = await mutate(client, site, CREATE_PAGE, input=given)
    await mutate(client, site, PUBLISH_PAGE, id=created["createPage"]["page"]["id"])


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
    "delete a tag": (_edit(DELETE_TAG, "welcomeTag"), {"post", "post by id", "tags"}),
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
    "delete a post": (_edit(DELETE_POST, "post"), {"post", "post by id", "tags"}),
    "retag a post": (
        lambda c, s: _edit(UPDATE_POST, "post", tags=[s.ids["python"]])(c, s),
        {"post", "post by id", "tags"},
    ),
    "change co-authors": (
        lambda c, s: _edit(UPDATE_POST, "post", coAuthors=[s.ids["coAuthor"]])(c, s),
        {"post by id"},
    ),
    "create a tag": (
        lambda c, s: mutate(c, s, CREATE_TAG, input={"slug": "brand-new-tag", "name": "New"}),
        {"new tag by slug", "tags"},
    ),
    "create a page": (_create_page, {"page by id", "pages"}),
}


async def answers(client: httpx.AsyncClient, site: Site) -> dict[str, Answer]:
    return {name: await public(client, *document) for name, document in site.documents().items()}


async def keys_since(engine: AsyncEngine, event_id: int) -> set[str]:
    """The keys of every event after `event_id`: what a webhook body lists."""
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(Event.entity_type, Event.entity_id).where(Event.id > event_id)
        )
        return {key for row in rows for key in keys_of_change(row.entity_type, row.entity_id)}


async def last_event(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(Event.id).order_by(Event.id.desc())) or 0)
