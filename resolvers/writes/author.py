"""Writing authors: an author who still writes posts cannot be deleted."""

from __future__ import annotations

from sqlalchemy import func, select

from masthead.interchange.entries import URL
from masthead.models import Asset, Author, Post, table_of
from masthead.resolvers.core.entity import EntitySpec, Reference, WriteState
from masthead.resolvers.writes.rules import name_rule, slug_rule, text_rule

posts = table_of(Post)


async def _keep_authors_with_posts(state: WriteState) -> None:
    assert state.current is not None  # noqa: S101 (deletes start from the locked row)
    count = await state.connection.scalar(
        select(func.count()).where(posts.c.author_id == state.current.id)
    )
    if count:
        message = f"is the author of {count} post(s): reassign or delete them first"
        state.problems.add("id", "INVALID", message)


AUTHOR_WRITES = EntitySpec(
    name="Author",
    table=table_of(Author),
    rules={
        "slug": slug_rule(),
        "name": name_rule("name"),
        "bio": text_rule("bio", "bio"),
        "website": text_rule("website", "website", URL),
    },
    references={"avatar": Reference("avatar_id", ("avatar",), "Asset", table_of(Asset))},
    unique=(("slug",),),
    before_delete=_keep_authors_with_posts,
)
