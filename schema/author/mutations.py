"""Mutations of authors (editors and admins)."""

from __future__ import annotations

from typing import Any

import strawberry

from masthead.resolvers.author import AUTHOR_COLUMNS
from masthead.resolvers.core.access import EDITORS
from masthead.resolvers.writes.author import AUTHOR_WRITES
from masthead.schema.author.types import Author
from masthead.schema.core.entry_mutations import EntryMutations, mutations_type

UNSET: Any = strawberry.UNSET


@strawberry.input(description="Fields of an author; on update, omitted fields stay unchanged.")
class AuthorInput:
    """An author's editable fields."""

    slug: str | None = strawberry.field(default=UNSET, description="Unique URL segment.")
    name: str | None = strawberry.field(default=UNSET, description="Display name.")
    bio: str | None = strawberry.field(default=UNSET, description="Short biography.")
    website: str | None = strawberry.field(default=UNSET, description="Home page (http or https).")
    avatar: strawberry.ID | None = strawberry.field(default=UNSET, description="An Asset ID.")


AUTHOR_MUTATIONS = EntryMutations(
    spec=AUTHOR_WRITES, node=Author, input=AuthorInput, columns=AUTHOR_COLUMNS, writers=EDITORS
)
AuthorMutations: Any = mutations_type(AUTHOR_MUTATIONS)
