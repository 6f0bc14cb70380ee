"""Mutations of tags (editors and admins)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from resolvers.core.access import EDITORS, require_role
from resolvers.core.entry_writes import create_entry, delete_entry, update_entry
from resolvers.tag import tag_by_id
from resolvers.writes.tag import TAG_WRITES
from schema.core.context import Info, from_optional_row
from schema.core.mutations import (
    DeletePayload,
    UserError,
    attempt,
    deletion,
    entry_id,
    given_fields,
)
from schema.tag.types import Tag

TagId = Annotated[strawberry.ID, strawberry.argument(description="The tag's global ID.")]
UNSET: Any = strawberry.UNSET


@strawberry.input(description="Fields of a tag; on update, omitted fields stay unchanged.")
class TagInput:
    """A tag's editable fields."""

    slug: str | None = strawberry.field(default=UNSET, description="Unique URL segment.")
    name: str | None = strawberry.field(default=UNSET, description="Display name.")
    description: str | None = strawberry.field(default=UNSET, description="What it covers.")


@strawberry.type(description="The tag a mutation wrote, or why nothing was written.")
class TagPayload:
    """Result of a tag mutation."""

    tag: Tag | None = strawberry.field(description="The tag after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was written.")


async def _payload(info: Info, write: Any) -> TagPayload:
    pk, errors = await attempt(write)
    row = None if pk is None else await tag_by_id(info.context, pk)
    return TagPayload(tag=from_optional_row(Tag, row), user_errors=errors)


@strawberry.type
class TagMutations:
    """Writes of tags."""

    @strawberry.mutation(description="Create a tag.")
    async def create_tag(self, info: Info, input: TagInput) -> TagPayload:  # noqa: A002
        """Checked whole before anything is written."""
        require_role(info.context.viewer, EDITORS, "create tags")
        return await _payload(info, create_entry(info.context, TAG_WRITES, given_fields(input)))

    @strawberry.mutation(description="Change a tag; a stale `expectedVersion` is a CONFLICT.")
    async def update_tag(
        self,
        info: Info,
        id: TagId,  # noqa: A002
        input: TagInput,  # noqa: A002
        expected_version: Annotated[
            int | None, strawberry.argument(description="The version your edit is based on.")
        ] = None,
    ) -> TagPayload:
        """Omitted fields stay unchanged."""
        require_role(info.context.viewer, EDITORS, "update tags")
        ctx, given = info.context, given_fields(input)
        write = update_entry(ctx, TAG_WRITES, entry_id(id, "Tag"), given, expected_version)
        return await _payload(info, write)

    @strawberry.mutation(description="Delete a tag: it comes off every post that carries it.")
    async def delete_tag(self, info: Info, id: TagId) -> DeletePayload:  # noqa: A002
        """Its revisions are kept."""
        require_role(info.context.viewer, EDITORS, "delete tags")
        return await deletion("Tag", delete_entry(info.context, TAG_WRITES, entry_id(id, "Tag")))
