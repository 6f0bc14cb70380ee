"""Mutations of authors (editors and admins)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from resolvers.author import author_by_id
from resolvers.core.access import EDITORS, require_role
from resolvers.core.entry_writes import create_entry, delete_entry, update_entry
from resolvers.writes.author import AUTHOR_WRITES
from schema.author.types import Author
from schema.core.context import Info, from_optional_row
from schema.core.mutations import (
    DeletePayload,
    UserError,
    attempt,
    deletion,
    entry_id,
    given_fields,
)

AuthorId = Annotated[strawberry.ID, strawberry.argument(description="The author's global ID.")]
UNSET: Any = strawberry.UNSET


@strawberry.input(description="Fields of an author; on update, omitted fields stay unchanged.")
class AuthorInput:
    """An author's editable fields."""

    slug: str | None = strawberry.field(default=UNSET, description="Unique URL segment.")
    name: str | None = strawberry.field(default=UNSET, description="Display name.")
    bio: str | None = strawberry.field(default=UNSET, description="Short biography.")
    website: str | None = strawberry.field(default=UNSET, description="Home page (http or https).")
    avatar: strawberry.ID | None = strawberry.field(default=UNSET, description="An Asset ID.")


@strawberry.type(description="The author a mutation wrote, or why nothing was written.")
class AuthorPayload:
    """Result of an author mutation."""

    author: Author | None = strawberry.field(description="The author after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was written.")


async def _payload(info: Info, write: Any) -> AuthorPayload:
    pk, errors = await attempt(write)
    row = None if pk is None else await author_by_id(info.context, pk)
    return AuthorPayload(author=from_optional_row(Author, row), user_errors=errors)


@strawberry.type
class AuthorMutations:
    """Writes of authors."""

    @strawberry.mutation(description="Create an author.")
    async def create_author(self, info: Info, input: AuthorInput) -> AuthorPayload:  # noqa: A002
        """Checked whole before anything is written."""
        require_role(info.context.viewer, EDITORS, "create authors")
        return await _payload(info, create_entry(info.context, AUTHOR_WRITES, given_fields(input)))

    @strawberry.mutation(description="Change an author; a stale `expectedVersion` is a CONFLICT.")
    async def update_author(
        self,
        info: Info,
        id: AuthorId,  # noqa: A002
        input: AuthorInput,  # noqa: A002
        expected_version: Annotated[
            int | None, strawberry.argument(description="The version your edit is based on.")
        ] = None,
    ) -> AuthorPayload:
        """Omitted fields stay unchanged."""
        require_role(info.context.viewer, EDITORS, "update authors")
        ctx, given = info.context, given_fields(input)
        write = update_entry(ctx, AUTHOR_WRITES, entry_id(id, "Author"), given, expected_version)
        return await _payload(info, write)

    @strawberry.mutation(description="Delete an author who is no post's main author.")
    async def delete_author(self, info: Info, id: AuthorId) -> DeletePayload:  # noqa: A002
        """Co-authorships and the author's tokens go with it; revisions are kept."""
        require_role(info.context.viewer, EDITORS, "delete authors")
        return await deletion(
            "Author", delete_entry(info.context, AUTHOR_WRITES, entry_id(id, "Author"))
        )
