"""The `Page` type: a node of the page tree with its parent, children and ancestors."""

from __future__ import annotations

from datetime import datetime
from operator import attrgetter
from typing import Annotated, Any

import strawberry

from masthead.resolvers.core.access import EDITORS, require_role
from masthead.resolvers.core.content import stored_body
from masthead.resolvers.core.ids import encode_id
from masthead.resolvers.page import (
    ancestors_of_page,
    pages_by_id,
    pages_by_parent,
    pages_by_translation_group,
)
from masthead.resolvers.revision import PAGE_REVISIONS
from masthead.schema.core.arguments import After, First
from masthead.schema.core.connection import Connection
from masthead.schema.core.context import Info, from_optional_row, from_row
from masthead.schema.core.directives import CONNECTION_SIZE, LIST_SIZE
from masthead.schema.core.enums import BodyFormat, ContentStatusEnum
from masthead.schema.core.node import Node
from masthead.schema.core.prefetch import Relation, load_relation, prefetched, relations
from masthead.schema.core.revision import Revision, revisions_of
from masthead.schema.core.seo import Seo


@strawberry.type(description="A page of the site tree in one locale.")
class Page(Node):
    """A page; `path` is the slash-joined slugs from the root, e.g. `/about/team`."""

    pk: strawberry.Private[int]
    markdown: strawberry.Private[str]
    body_html: strawberry.Private[str]
    body_text: strawberry.Private[str]
    translation_group: strawberry.Private[str]
    parent_id: strawberry.Private[int | None]
    seo_title: strawberry.Private[str | None]
    seo_description: strawberry.Private[str | None]
    seo_canonical_url: strawberry.Private[str | None]
    seo_og_image_id: strawberry.Private[int | None]
    path: str = strawberry.field(description="Slash-joined slugs from the root, unique per locale.")
    slug: str = strawberry.field(description="Last segment of the path.")
    title: str = strawberry.field(description="Headline.")
    status: ContentStatusEnum = strawberry.field(description="Life-cycle status.")  # type: ignore[valid-type]
    published_at: datetime | None = strawberry.field(description="When it went (or goes) live.")
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description="When it was last changed.")
    locale: str = strawberry.field(description="BCP 47 locale of this translation.")
    version: int = strawberry.field(description="Incremented on every update.")

    @strawberry.field(description="Opaque global ID.")
    def id(self) -> strawberry.ID:
        """`Page:<pk>`, encoded."""
        return strawberry.ID(encode_id("Page", self.pk))

    @strawberry.field(description="The body: sanitized HTML, Markdown source or plain text.")
    def body(
        self,
        format: Annotated[  # noqa: A002
            BodyFormat, strawberry.argument(description="Output format.")
        ] = BodyFormat.HTML,
    ) -> str:
        """The body in the requested format, as the last write rendered it."""
        return stored_body(self, format.name)

    @strawberry.field(description="The page above this one, when visible.")
    def parent(self, info: Info) -> Page | None:
        """Batched by id."""
        return prefetched(self, "parent", lambda: load_relation(info, self, PAGE_PARENT))

    @strawberry.field(
        description="Visible pages directly below this one, by path.", directives=[LIST_SIZE]
    )
    def children(self, info: Info) -> list[Page]:
        """Batched by parent id."""
        return prefetched(self, "children", lambda: load_relation(info, self, PAGE_CHILDREN))

    @strawberry.field(
        description="Visible pages above this one, root first.", directives=[LIST_SIZE]
    )
    async def ancestors(self, info: Info) -> list[Page]:
        """Every proper prefix of the path, in one batched statement."""
        return [from_row(Page, row) for row in await ancestors_of_page(info.context, self)]

    @strawberry.field(description="The other visible locales of this page.", directives=[LIST_SIZE])
    def translations(self, info: Info) -> list[Page]:
        """Same translation group, other locales."""
        return prefetched(
            self, "translations", lambda: load_relation(info, self, PAGE_TRANSLATIONS)
        )

    @strawberry.field(description="SEO metadata with fallbacks to the page's own fields.")
    def seo(self) -> Seo:
        """Overrides where set, the page's title otherwise."""
        return Seo(
            title=self.seo_title or self.title,
            description=self.seo_description,
            canonical_url=self.seo_canonical_url,
            og_image_id=self.seo_og_image_id,
        )

    @strawberry.field(
        description="Saved versions, newest first: for editors and admins.",
        directives=[CONNECTION_SIZE],
    )
    async def revisions(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Revision] | None:
        """Refused (null, with a FORBIDDEN error) for anyone who may not edit pages."""
        require_role(info.context.viewer, EDITORS, "read page revisions")
        return await revisions_of(info, PAGE_REVISIONS, self.pk, first, after)


def _page(_page: Page, row: Any | None) -> Page | None:
    return from_optional_row(Page, row)


def _pages(_page: Page, rows: list[Any]) -> list[Page]:
    return [from_row(Page, row) for row in rows]


def _translations(page: Page, rows: list[Any]) -> list[Page]:
    return [from_row(Page, row) for row in rows if row.pk != page.pk]


PAGE_PARENT = Relation(attrgetter("parent_id"), pages_by_id, _page)
PAGE_CHILDREN = Relation(attrgetter("pk"), pages_by_parent, _pages)
PAGE_TRANSLATIONS = Relation(
    attrgetter("translation_group"), pages_by_translation_group, _translations
)
relations(Page, parent=PAGE_PARENT, children=PAGE_CHILDREN, translations=PAGE_TRANSLATIONS)
