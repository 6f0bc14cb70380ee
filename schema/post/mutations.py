"""Mutations of posts: create, update, delete, publish (or schedule), unpublish, restore."""

from __future__ import annotations

from typing import Any

import strawberry

from masthead.resolvers.core.access import EDITORS, WRITERS
from masthead.resolvers.post import POST_COLUMNS
from masthead.resolvers.writes.post import POST_WRITES
from masthead.schema.core.entry_mutations import EntryMutations, mutations_type
from masthead.schema.core.mutations import SeoInput
from masthead.schema.post.types import Post

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


POST_MUTATIONS = EntryMutations(
    spec=POST_WRITES,
    node=Post,
    input=PostInput,
    columns=POST_COLUMNS,
    writers=WRITERS,
    publishers=EDITORS,
)
# Authors create, edit, delete and restore their own posts; editors publish.
PostMutations: Any = mutations_type(POST_MUTATIONS)
