"""Filter and order inputs of posts."""

from __future__ import annotations

from enum import Enum

import strawberry

from masthead.schema.author.inputs import AuthorWhere
from masthead.schema.core.filters import (
    BooleanFilter,
    DateTimeFilter,
    IDFilter,
    IntFilter,
    StatusFilter,
    StringFilter,
)
from masthead.schema.tag.inputs import TagWhere


@strawberry.input(description="Conditions on a post's tags.")
class PostTagsWhere:
    """Quantifiers over the tags of a post."""

    some: TagWhere | None = strawberry.field(default=None, description="At least one tag matches.")
    every: TagWhere | None = strawberry.field(default=None, description="Every tag matches.")
    none: TagWhere | None = strawberry.field(default=None, description="No tag matches.")


@strawberry.input(description="Conditions on posts; all given fields must hold.")
class PostWhere:
    """Post filter: fields combine with AND; `AND`, `OR` and `NOT` nest."""

    and_: list[PostWhere] | None = strawberry.field(default=None, name="AND", description="All of.")
    or_: list[PostWhere] | None = strawberry.field(default=None, name="OR", description="Any of.")
    not_: PostWhere | None = strawberry.field(default=None, name="NOT", description="Not this.")
    id: IDFilter | None = strawberry.field(default=None, description="By ID.")
    slug: StringFilter | None = strawberry.field(default=None, description="By slug.")
    title: StringFilter | None = strawberry.field(default=None, description="By title.")
    excerpt: StringFilter | None = strawberry.field(default=None, description="By excerpt.")
    status: StatusFilter | None = strawberry.field(default=None, description="By status.")
    published_at: DateTimeFilter | None = strawberry.field(
        default=None, description="By publication time."
    )
    created_at: DateTimeFilter | None = strawberry.field(default=None, description="By creation.")
    updated_at: DateTimeFilter | None = strawberry.field(default=None, description="By last edit.")
    featured: BooleanFilter | None = strawberry.field(default=None, description="Featured or not.")
    locale: StringFilter | None = strawberry.field(default=None, description="By locale.")
    version: IntFilter | None = strawberry.field(default=None, description="By version.")
    author: AuthorWhere | None = strawberry.field(default=None, description="By main author.")
    tags: PostTagsWhere | None = strawberry.field(default=None, description="By tags.")


@strawberry.enum(description="Orders of posts; ties break by ID.")
class PostOrder(Enum):
    """Post orderings."""

    PUBLISHED_AT_DESC = strawberry.enum_value("PUBLISHED_AT_DESC", description="Newest first.")
    PUBLISHED_AT_ASC = strawberry.enum_value("PUBLISHED_AT_ASC", description="Oldest first.")
    UPDATED_AT_DESC = strawberry.enum_value("UPDATED_AT_DESC", description="Last edited first.")
    UPDATED_AT_ASC = strawberry.enum_value("UPDATED_AT_ASC", description="Least recently edited.")
    CREATED_AT_DESC = strawberry.enum_value("CREATED_AT_DESC", description="Last created first.")
    CREATED_AT_ASC = strawberry.enum_value("CREATED_AT_ASC", description="First created first.")
    TITLE_ASC = strawberry.enum_value("TITLE_ASC", description="Title A→Z.")
    TITLE_DESC = strawberry.enum_value("TITLE_DESC", description="Title Z→A.")
