"""Surrogate keys: public answers list what they read; a change's keys reach each one it alters."""

from __future__ import annotations

import httpx
import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.database import StatementTally
from masthead.models import Base, utcnow
from masthead.resolvers.core.context import ReadContext, Viewer
from masthead.resolvers.core.ids import decode_id, encode_id
from masthead.resolvers.core.read_keys import KEYED_TABLES, UNKEYED_TABLES, Lookup, ReadKeys
from masthead.resolvers.post import POST_COLUMNS, post_scope, posts
from tests import backends
from tests.conftest import AppClient, TokenMaker
from tests.factories import Factory
from tests.keyed_site import (
    CHANGES,
    EXAMPLES,
    EXTRA,
    SITE,
    UPDATE_AUTHOR,
    Site,
    answers,
    build_site,
    keys_since,
    last_event,
    mutate,
    public,
)
from tests.writing import UPDATE_POST


@pytest.fixture
async def site(engine: AsyncEngine, client: httpx.AsyncClient, token: TokenMaker) -> Site:
    return await build_site(engine, client, token)


@pytest.mark.parametrize("name", list(CHANGES))
async def test_the_keys_of_a_change_reach_every_cached_answer_it_alters(
    name: str, site: Site, app_client: AppClient, engine: AsyncEngine
) -> None:
    cached = app_client(response_cache_entries=1000)
    before = await answers(cached, site)
    since = await last_event(engine)
    change, must_change = CHANGES[name]

    await change(cached, site)

    keys = await keys_since(engine, since)
    after = await answers(cached, site)
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
    since = await last_event(engine)

    await mutate(client, site, UPDATE_AUTHOR, id=site.ids["author"], input={"name": "Renamed"})
    await mutate(client, site, UPDATE_POST, id=site.ids["post"], input={"title": "Hello"})

    keys = await keys_since(engine, since)
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

    # Cache hits: no statement on SQLite, the change-log checks on PostgreSQL without a bus.
    assert StatementTally.total - before == (0 if backends.BACKEND == "sqlite" else 2)
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


async def test_a_lookup_by_id_that_reads_other_rows_of_its_type_carries_the_list_key(
    engine: AsyncEngine,
) -> None:
    post = await Factory(engine).post()
    keys = ReadKeys()
    ctx = ReadContext(
        engine, viewer=Viewer(), now=utcnow(), default_locale="en", media_base_url="",
        read_keys=keys,
    )  # fmt: skip
    by_id = posts.c.id.in_([post["id"]])
    lookup = Lookup("Post", [post["id"]])

    await ctx.rows(select(*POST_COLUMNS).where(by_id), lookup)
    alone = keys.keys()
    # The best translation for `fr`: whether this row answers depends on its siblings.
    await ctx.rows(select(*POST_COLUMNS).where(by_id, *post_scope(ctx, "fr")), lookup)
    await ctx.close()

    assert alone == ["masthead", f"post:{post['id']}"]
    assert keys.keys() == ["masthead", "posts", f"post:{post['id']}"]
