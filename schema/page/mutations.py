"""Mutations of pages: create, update, delete, publish (or schedule), unpublish, restore."""

from __future__ import annotations

from typing import Any

import strawberry

from masthead.resolvers.core.access import EDITORS
from masthead.resolvers.page import PAGE_COLUMNS
from masthead.resolvers.writes.page import PAGE_WRITES
from masthead.schema.core.entry_mutations import EntryMutations, mutations_type
from masthead.schema.core.mutations import SeoInput
from masthead.schema.page.types import Page

UNSET: Any = strawberry.UNSET


@strawberry.input(description="Fields of a page; on update, omitted fields stay unchanged.")
class PageInput:
    """A page's editable fields; `path` follows from `parent` and `slug`."""

    slug: str | None = strawberry.field(default=UNSET, description="Last segment of the path.")
    title: str | None = strawberry.field(default=UNSET, description="Title.")
    body: str | None = strawberry.field(default=UNSET, description="Markdown source.")
    locale: str | None = strawberry.field(default=UNSET, description="BCP 47 locale.")
    parent: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Parent page (same locale); null for a root page."
    )
    seo: SeoInput | None = strawberry.field(default=UNSET, description="SEO overrides.")
    translation_of: strawberry.ID | None = strawberry.field(
        default=UNSET, description="On create: a page this one translates (joins its group)."
    )


PAGE_MUTATIONS = EntryMutations(
    spec=PAGE_WRITES,
    node=Page,
    input=PageInput,
    columns=PAGE_COLUMNS,
    writers=EDITORS,
    publishers=EDITORS,
)
PageMutations: Any = mutations_type(PAGE_MUTATIONS)
