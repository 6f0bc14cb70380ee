"""The soak's checks catch what they look for: an acknowledgment the store does not hold, a
deleted post still there, an answer that describes another write."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.resolvers.core.ids import decode_id
from masthead.settings import Settings
from soak.journal import Journal, Sent
from soak.verify import verify
from tests.conftest import GraphQLClient, TokenMaker
from tests.factories import Factory
from tests.writing import CREATE_POST, gid


async def _created(gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker) -> dict[str, Any]:
    """A post created through the API (so it has its first revision); its fields and key."""
    author = await Factory(engine).author()
    post_input = {
        "slug": "kept",
        "title": "Kept",
        "body": "As sent.",
        "author": gid("Author", author),
    }
    data = await gql.data(CREATE_POST, {"input": post_input}, await token("editor"))
    post: dict[str, Any] = data["createPost"]["post"]
    return post | {"body": "As sent.", "pk": decode_id(post["id"], "Post")}


def _entry(post: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {"id": post["id"], "title": post["title"], "body": post["body"],
            "status": post["status"], "version": post["version"]} | changes  # fmt: skip


async def test_an_acknowledgment_the_store_holds_passes_and_one_it_does_not_is_reported(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker, settings: Settings
) -> None:
    post = await _created(gql, engine, token)
    journal = Journal()
    journal.acknowledge("create", post["pk"], _entry(post), Sent("Kept", "As sent.", version=1))
    journal.acknowledge("update", post["pk"], _entry(post, title="Never", version=2), Sent())

    verdict = await verify(settings.database_url, journal)

    assert verdict.writes == 2
    assert len(verdict.missing) == 2
    assert all(f"post {post['pk']}" in problem for problem in verdict.missing)
    assert "no such revision" in verdict.missing[0]
    assert "stored at 1" in verdict.missing[1]


async def test_a_changed_content_under_an_acknowledged_version_is_reported(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker, settings: Settings
) -> None:
    post = await _created(gql, engine, token)
    journal = Journal()
    journal.acknowledge("create", post["pk"], _entry(post, title="Other"), Sent())

    verdict = await verify(settings.database_url, journal)

    stored = "('create', 'Kept', 'As sent.', 'DRAFT')"
    assert verdict.missing == [
        f"create of post {post['pk']} v1: acknowledged 'Other' (DRAFT), stored {stored}"
    ]


async def test_an_acknowledged_delete_of_a_post_still_stored_is_reported(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker, settings: Settings
) -> None:
    post = await _created(gql, engine, token)
    journal = Journal()
    journal.delete_sent(post["pk"])
    journal.delete_answered(post["pk"], "kept", post["id"], post["id"])

    verdict = await verify(settings.database_url, journal)

    assert verdict.deletes == 1
    assert len(verdict.not_gone) == 1


def test_an_answer_describing_another_write_is_untruthful() -> None:
    journal = Journal()
    entry = {"title": "Theirs", "body": "b", "status": "DRAFT", "version": 8}

    journal.acknowledge("update", 5, entry, Sent("Mine", "b", version=7))
    journal.acknowledge("publish", 5, entry | {"version": 6}, Sent(after=7))
    journal.entry_missing("update", 5)

    assert journal.untruthful == [
        "update of post 5: answered version 8, made 7; answered 'Theirs', sent 'Mine'",
        "publish of post 5: answered version 6, not after 7; answered status DRAFT",
        "update of post 5: answered no post and no user error",
    ]
