"""Mutations of posts: create, update, delete, publish (or schedule), unpublish, restore."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from resolvers.core.access import EDITORS, WRITERS, require_role
from resolvers.core.entry_writes import create_entry, delete_entry, restore_entry, update_entry
from resolvers.post import post_by_id
from resolvers.writes.localized import UNPUBLISHED, publish_entry, unpublish_entry
from resolvers.writes.post import POST_WRITES
from schema.core.context import Info, from_optional_row
from schema.core.mutations import (
    DeletePayload,
    SeoInput,
    UserError,
    attempt,
    deletion,
    entry_id,
    given_fields,
    publication_date,
)
from schema.post.types import Post

PostId = Annotated[strawberry.ID, strawberry.argument(description="The post's global ID.")]
UNSET: Any = strawberry.UNSET


@strawberry.input(description="Fields of a post; on update, omitted fields stay unchanged.")
class PostInput:
    """A post's editable fields; references are global IDs."""

    slug: str | None = strawberry.field(default=UNSET, description="URL segment, per locale.")
    title: str | None = strawberry.field(default=UNSET, description="Headline.")
    excerpt: str | None = strawberry.field(default=UNSET, description="Short summary.")
    body: str | None = strawberry.field(default=UNSET, description="Markdown source.")
    featured: bool | None = strawberry.field(default=UNSET, description="Highlight it.")
    locale: str | None = strawberry.field(default=UNSET, description="BCP 47 locale.")
    author: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Main author (an author token writes as its own author)."
    )
    co_authors: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Co-authors, in order."
    )
    tags: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="Tags, in order."
    )
    cover_image: strawberry.ID | None = strawberry.field(default=UNSET, description="An Asset ID.")
    seo: SeoInput | None = strawberry.field(default=UNSET, description="SEO overrides.")
    translation_of: strawberry.ID | None = strawberry.field(
        default=UNSET, description="On create: a post this one translates (joins its group)."
    )


@strawberry.type(description="The post a mutation wrote, or why nothing was written.")
class PostPayload:
    """Result of a post mutation."""

    post: Post | None = strawberry.field(description="The post after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was written.")


async def _payload(info: Info, write: Any) -> PostPayload:
    pk, errors = await attempt(write)
    row = None if pk is None else await post_by_id(info.context, pk)
    return PostPayload(post=from_optional_row(Post, row), user_errors=errors)


@strawberry.type
class PostMutations:
    """Writes of posts."""

    @strawberry.mutation(description="Create a draft post (authors, editors, admins).")
    async def create_post(self, info: Info, input: PostInput) -> PostPayload:  # noqa: A002
        """Checked whole before anything is written."""
        require_role(info.context.viewer, WRITERS, "create posts")
        return await _payload(info, create_entry(info.context, POST_WRITES, given_fields(input)))

    @strawberry.mutation(description="Change a post; a stale `expectedVersion` is a CONFLICT.")
    async def update_post(
        self,
        info: Info,
        id: PostId,  # noqa: A002
        input: PostInput,  # noqa: A002
        expected_version: Annotated[
            int | None, strawberry.argument(description="The version your edit is based on.")
        ] = None,
    ) -> PostPayload:
        """Omitted fields stay unchanged."""
        require_role(info.context.viewer, WRITERS, "update posts")
        ctx, given = info.context, given_fields(input)
        write = update_entry(ctx, POST_WRITES, entry_id(id, "Post"), given, expected_version)
        return await _payload(info, write)

    @strawberry.mutation(description="Delete a post; its revisions are kept for restoring.")
    async def delete_post(self, info: Info, id: PostId) -> DeletePayload:  # noqa: A002
        """Authors delete only their own posts."""
        require_role(info.context.viewer, WRITERS, "delete posts")
        return await deletion("Post", delete_entry(info.context, POST_WRITES, entry_id(id, "Post")))

    @strawberry.mutation(description="Publish now, or at `at` (a future date schedules it).")
    async def publish_post(
        self,
        info: Info,
        id: PostId,  # noqa: A002
        at: Annotated[
            datetime | None, strawberry.argument(description="When it goes live (with offset).")
        ] = None,
    ) -> PostPayload:
        """Scheduled posts go live on time with no job running."""
        require_role(info.context.viewer, EDITORS, "publish posts")
        when = publication_date(at)
        write = publish_entry(info.context, POST_WRITES, entry_id(id, "Post"), when)
        return await _payload(info, write)

    @strawberry.mutation(description="Take a post back to draft: hidden from the public at once.")
    async def unpublish_post(self, info: Info, id: PostId) -> PostPayload:  # noqa: A002
        """Clears any scheduled date."""
        require_role(info.context.viewer, EDITORS, "unpublish posts")
        write = unpublish_entry(info.context, POST_WRITES, entry_id(id, "Post"))
        return await _payload(info, write)

    @strawberry.mutation(description="Bring back a post's content from one of its revisions.")
    async def restore_post_revision(
        self,
        info: Info,
        id: PostId,  # noqa: A002
        version: Annotated[int, strawberry.argument(description="The revision to restore.")],
    ) -> PostPayload:
        """A deleted post comes back as a draft; a live one keeps its status."""
        require_role(info.context.viewer, WRITERS, "restore posts")
        pk = entry_id(id, "Post")
        return await _payload(
            info, restore_entry(info.context, POST_WRITES, pk, version, UNPUBLISHED)
        )
