"""Filter and order inputs of pages."""

from __future__ import annotations

from enum import Enum

import strawberry

from masthead.schema.core.filters import DateTimeFilter, IDFilter, StatusFilter, StringFilter


@strawberry.input(description="Conditions on pages; all given fields must hold.")
class PageWhere:
    """Page filter: fields combine with AND; `AND`, `OR` and `NOT` nest."""

    and_: list[PageWhere] | None = strawberry.field(default=None, name="AND", description="All of.")
    or_: list[PageWhere] | None = strawberry.field(default=None, name="OR", description="Any of.")
    not_: PageWhere | None = strawberry.field(default=None, name="NOT", description="Not this.")
    id: IDFilter | None = strawberry.field(default=None, description="By ID.")
    path: StringFilter | None = strawberry.field(default=None, description="By path.")
    slug: StringFilter | None = strawberry.field(default=None, description="By slug.")
    title: StringFilter | None = strawberry.field(default=None, description="By title.")
    status: StatusFilter | None = strawberry.field(default=None, description="By status.")
    published_at: DateTimeFilter | None = strawberry.field(
        default=None, description="By publication time."
    )
    created_at: DateTimeFilter | None = strawberry.field(default=None, description="By creation.")
    updated_at: DateTimeFilter | None = strawberry.field(default=None, description="By last edit.")
    locale: StringFilter | None = strawberry.field(default=None, description="By locale.")
    parent: PageWhere | None = strawberry.field(default=None, description="By parent page.")


@strawberry.enum(description="Orders of pages; ties break by ID.")
class PageOrder(Enum):
    """Page orderings."""

    PATH_ASC = strawberry.enum_value("PATH_ASC", description="Path A→Z (tree order).")
    PATH_DESC = strawberry.enum_value("PATH_DESC", description="Path Z→A.")
    TITLE_ASC = strawberry.enum_value("TITLE_ASC", description="Title A→Z.")
    PUBLISHED_AT_DESC = strawberry.enum_value("PUBLISHED_AT_DESC", description="Newest first.")
    UPDATED_AT_DESC = strawberry.enum_value("UPDATED_AT_DESC", description="Last edited first.")
