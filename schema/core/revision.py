"""The `Revision` type and the `revisions` connection posts and pages share."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from masthead.resolvers.core.listing import Children, Listing, child_page_loader, list_args
from masthead.schema.core.connection import Connection, connection_of
from masthead.schema.core.context import Info, from_row


@strawberry.type(description="One saved version of an entry: a full snapshot, who and when.")
class Revision:
    """A revision of a post or page."""

    pk: strawberry.Private[int]
    version: int = strawberry.field(description="The entry's version after this change.")
    action: str = strawberry.field(
        description="create, update, publish, schedule, unpublish, restore or delete."
    )
    token_name: str | None = strawberry.field(description="Name of the token that made it.")
    created_at: datetime = strawberry.field(description="When it was made.")
    snapshot: JSON = strawberry.field(description="Every stored field of the entry, as saved.")


async def revisions_of(
    info: Info,
    history: tuple[Listing, Children],
    entry_pk: int,
    first: int | None,
    after: str | None,
) -> Connection[Revision]:
    """One entry's revisions, newest first; all entries' pages come from one statement."""
    listing, children = history
    args = list_args(first=first, after=after)
    page = await child_page_loader(info.context, listing, children, args)(entry_pk)
    return await connection_of(info, page, lambda row: from_row(Revision, row))
