"""Root queries of pages: `page` and `pages`."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from masthead.resolvers.core.ids import decode_id
from masthead.resolvers.core.listing import list_args
from masthead.resolvers.core.lookup import one_key
from masthead.resolvers.page import PAGE_LISTING, page_by_id, page_by_path, page_in_locale
from masthead.schema.core.arguments import After, Before, First, Last, Locale
from masthead.schema.core.connection import Connection, listed
from masthead.schema.core.context import Info, from_optional_row, from_row
from masthead.schema.core.directives import CONNECTION_SIZE
from masthead.schema.core.prefetch import with_relations
from masthead.schema.page.inputs import PageOrder, PageWhere
from masthead.schema.page.types import Page


async def _page_row(info: Info, key: str, value: str, locale: str | None) -> Any | None:
    if key == "path":
        return await page_by_path(info.context, value, locale)
    row = await page_by_id(info.context, decode_id(value, "Page"))
    if row is None or locale is None:
        return row
    return await page_in_locale(info.context, row.translation_group, locale)


@strawberry.type
class PageQueries:
    """`page` and `pages`."""

    @strawberry.field(description="One visible page by ID or by path, in the best locale.")
    async def page(
        self,
        info: Info,
        id: strawberry.ID | None = None,  # noqa: A002
        path: str | None = None,
        locale: Locale = None,
    ) -> Page | None:
        """Null when no visible page matches."""
        key, value = one_key(id=id, path=path)
        row = await _page_row(info, key, value, locale)
        return await with_relations(info, from_optional_row(Page, row))

    @strawberry.field(
        description="Visible pages, in tree order unless `orderBy` says otherwise.",
        directives=[CONNECTION_SIZE],
    )
    async def pages(  # noqa: PLR0913
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        where: Annotated[
            PageWhere | None, strawberry.argument(description="Only pages matching.")
        ] = None,
        order_by: Annotated[
            list[PageOrder] | None, strawberry.argument(description="Sort keys, in order.")
        ] = None,
        locale: Locale = None,
    ) -> Connection[Page]:
        """One statement for the page, one more when `totalCount` is read."""
        args = list_args(
            first=first, after=after, last=last, before=before, where=where,
            order_by=order_by, locale=locale,
        )  # fmt: skip
        return await listed(info, PAGE_LISTING, args, lambda row: from_row(Page, row))
