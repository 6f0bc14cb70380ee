"""Export and import cover the write side: revisions on request, round trip exact."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.interchange import InterchangeError, export_document, import_document
from masthead.models import Event, Revision, table_of
from tests.conftest import GraphQLClient, TokenMaker
from tests.content_tables import delete_all_content
from tests.factories import Factory
from tests.writing import CREATE_POST, DELETE_POST, RESTORE_POST, UPDATE_POST, gid

CREATE_TAG = 'mutation { createTag(input: {slug: "py", name: "Python"}) { tag { id } } }'
CREATE_AUTHOR = 'mutation { createAuthor(input: {slug: "ada", name: "Ada"}) { author { id } } }'
UPDATE_AUTHOR = """mutation($id: ID!, $input: AuthorInput!, $v: Int) {
  updateAuthor(id: $id, input: $input, expectedVersion: $v) {
    author { version } userErrors { code message } } }"""
UPDATE_TAG = """mutation($id: ID!, $input: TagInput!, $v: Int) {
  updateTag(id: $id, input: $input, expectedVersion: $v) {
    tag { version } userErrors { code message } } }"""
IDS = '{ author(slug: "ada") { id } tag(slug: "py") { id } }'


async def _history(gql: GraphQLClient, engine: AsyncEngine, headers: dict[str, str]) -> str:
    author = await Factory(engine).author(slug="ada")
    tag_id = (await gql.data(CREATE_TAG, headers=headers))["createTag"]["tag"]["id"]
    ids = []
    for slug in ("kept", "gone"):
        post_input = {"slug": slug, "title": f"{slug} v1", "author": gid("Author", author),
                      "tags": [tag_id]}  # fmt: skip
        created = await gql.data(CREATE_POST, {"input": post_input}, headers)
        ids.append(created["createPost"]["post"]["id"])
        await gql.data(UPDATE_POST, {"id": ids[-1], "input": {"title": f"{slug} v2"}}, headers)
    await gql.data(DELETE_POST, {"id": ids[1]}, headers)
    kept: str = ids[0]
    return kept


async def _forget_everything(engine: AsyncEngine) -> None:
    await delete_all_content(engine)
    async with engine.begin() as connection:
        await connection.execute(delete(table_of(Revision)))
        await connection.execute(delete(table_of(Event)))


async def test_revisions_are_left_out_unless_asked_for(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    await _history(gql, engine, await token("editor"))

    assert "revisions" not in await export_document(engine)
    document = await export_document(engine, revisions=True)
    history = document["revisions"]
    assert [(r["type"], r["version"], r["action"]) for r in history[:1]] == [("Tag", 1, "create")]
    by_slug: dict[str, list[tuple[int, str]]] = {}
    for revision in history[1:]:
        by_slug.setdefault(revision["entry"]["slug"], []).append(
            (revision["version"], revision["action"])
        )
    assert by_slug == {
        "kept": [(1, "create"), (2, "update")],
        "gone": [(1, "create"), (2, "update"), (3, "delete")],
    }
    assert [p["slug"] for p in document["posts"]] == ["kept"]


async def test_export_import_export_with_revisions_is_exact_and_restorable(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    headers = await token("editor")
    await _history(gql, engine, headers)
    first = await export_document(engine, revisions=True)
    await _forget_everything(engine)

    summary = await import_document(engine, first)

    assert summary.revisions == len(first["revisions"]) == 6
    assert await export_document(engine, revisions=True) == first
    kept = (await gql.data('{ post(slug: "kept") { id } }', headers=headers))["post"]["id"]
    restored = await gql.data(RESTORE_POST, {"id": kept, "version": 1}, headers)
    assert restored["restorePostRevision"]["post"]["title"] == "kept v1"
    assert [t["slug"] for t in restored["restorePostRevision"]["post"]["tags"]] == ["py"]


@pytest.mark.parametrize(
    ("revision", "problem"),
    [
        ({"type": "Widget"}, "type: must be one of"),
        ({"key": {"slug": "x"}}, "key: must be an object with translationGroup and locale"),
        ({"version": 0}, "version: must be an integer of at least 1"),
        ({"entry": {"slug": "Bad Slug"}}, "entry.slug: must be lowercase"),
    ],
)
async def test_a_bad_revision_names_its_field_and_nothing_is_written(
    engine: AsyncEngine, revision: dict[str, Any], problem: str
) -> None:
    good = {"type": "Post", "key": {"translationGroup": "g", "locale": "en"}, "version": 1,
            "action": "create", "tokenName": None, "createdAt": "2024-01-01T00:00:00+00:00",
            "entry": None}  # fmt: skip
    document = {"version": 1, "revisions": [good, good | revision]}

    with pytest.raises(InterchangeError) as refused:
        await import_document(engine, document)

    assert refused.value.problems[0].startswith(f"revisions[1]: {problem}")


async def _edited_author_and_tag(gql: GraphQLClient, headers: dict[str, str]) -> None:
    """Author "ada" edited once (version 2) and tag "py" edited twice (version 3)."""
    author_id = (await gql.data(CREATE_AUTHOR, headers=headers))["createAuthor"]["author"]["id"]
    tag_id = (await gql.data(CREATE_TAG, headers=headers))["createTag"]["tag"]["id"]
    await gql.data(UPDATE_AUTHOR, {"id": author_id, "input": {"bio": "Counts."}}, headers)
    for name in ("Python 3", "Python"):
        await gql.data(UPDATE_TAG, {"id": tag_id, "input": {"name": name}}, headers)


async def _update_both(
    gql: GraphQLClient, headers: dict[str, str], author_version: int, tag_version: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Update "ada" and "py", each expecting the given version."""
    ids = await gql.data(IDS, headers=headers)
    author = await gql.data(
        UPDATE_AUTHOR,
        {"id": ids["author"]["id"], "input": {"name": "Ada L."}, "v": author_version},
        headers,
    )
    tag = await gql.data(
        UPDATE_TAG, {"id": ids["tag"]["id"], "input": {"name": "Py"}, "v": tag_version}, headers
    )
    return author["updateAuthor"], tag["updateTag"]


async def _stored_versions(engine: AsyncEngine, type_name: str) -> list[int]:
    revisions = table_of(Revision)
    statement = (
        select(revisions.c.version)
        .where(revisions.c.entity_type == type_name)
        .order_by(revisions.c.version)
    )
    async with engine.connect() as connection:
        return list((await connection.execute(statement)).scalars())


async def test_an_edited_author_and_tag_keep_their_version_through_export_and_import(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    headers = await token("editor")
    await _edited_author_and_tag(gql, headers)
    document = await export_document(engine, revisions=True)
    await _forget_everything(engine)
    await import_document(engine, document)

    author, tag = await _update_both(
        gql, headers, document["authors"][0]["version"], document["tags"][0]["version"]
    )

    assert (document["authors"][0]["version"], document["tags"][0]["version"]) == (2, 3)
    assert author == {"author": {"version": 3}, "userErrors": []}
    assert tag == {"tag": {"version": 4}, "userErrors": []}
    assert await _stored_versions(engine, "Author") == [1, 2, 3]
    assert await _stored_versions(engine, "Tag") == [1, 2, 3, 4]


async def test_an_author_or_tag_without_a_version_continues_its_imported_history(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    headers = await token("editor")
    await _edited_author_and_tag(gql, headers)
    document = await export_document(engine, revisions=True)
    await _forget_everything(engine)
    # As written before authors and tags carried a version.
    for entry in [*document["authors"], *document["tags"]]:
        del entry["version"]
    for revision in document["revisions"]:
        revision["entry"].pop("version")
    await import_document(engine, document)

    author, tag = await _update_both(gql, headers, 2, 3)

    assert author == {"author": {"version": 3}, "userErrors": []}
    assert tag == {"tag": {"version": 4}, "userErrors": []}
