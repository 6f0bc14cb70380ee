"""Mutations of tags (editors and admins)."""

from __future__ import annotations

from typing import Any

import strawberry

from masthead.resolvers.core.access import EDITORS
from masthead.resolvers.tag import TAG_COLUMNS
from masthead.resolvers.writes.tag import TAG_WRITES
from masthead.schema.core.entry_mutations import EntryMutations, mutations_type
from masthead.schema.tag.types import Tag

UNSET: Any = strawberry.UNSET


@strawberry.input(description="Fields of a tag; on update, omitted fields stay unchanged.")
class TagInput:
    """A tag's editable fields."""

    slug: str | None = strawberry.field(default=UNSET, description="Unique URL segment.")
    name: str | None = strawberry.field(default=UNSET, description="Display name.")
    description: str | None = strawberry.field(default=UNSET, description="What it covers.")


TAG_MUTATIONS = EntryMutations(
    spec=TAG_WRITES, node=Tag, input=TagInput, columns=TAG_COLUMNS, writers=EDITORS
)
TagMutations: Any = mutations_type(TAG_MUTATIONS)
