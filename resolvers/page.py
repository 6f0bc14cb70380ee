"""Pages: the visibility rule, the tree (parent, children, ancestors) and lookups by path."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Select, and_, select, true, tuple_
from strawberry.dataloader import DataLoader

from masthead.models import Page
from masthead.resolvers.core.bodies import body_part
from masthead.resolvers.core.content import LIVE, dated_for
from masthead.resolvers.core.context import ReadContext, Viewer
from masthead.resolvers.core.ids import decode_id
from masthead.resolvers.core.listing import Listing
from masthead.resolvers.core.loaders import row_lists_by_key, rows_by_key
from masthead.resolvers.core.locale import best_translation, locale_chain
from masthead.resolvers.core.pagination import SortKey, parse_datetime
from masthead.resolvers.core.statements import NOW, SqlTime
from masthead.resolvers.core.where import ColumnFilter, FilterSpec, ToOne

pages = Page.__table__
PAGE_COLUMNS = (
    pages.c.id.label("pk"),
    *(pages.c[name] for name in (
        "path", "slug", "title", "status", "published_at", "created_at", "updated_at",
        "locale", "translation_group", "parent_id", "seo_title", "seo_description",
        "seo_canonical_url", "seo_og_image_id", "version",
    )),
    body_part(pages.c.body, "markdown", "markdown"),
    body_part(pages.c.body_html, "html", "body_html"),
    body_part(pages.c.body_text, "text", "body_text"),
)  # fmt: skip


def page_visibility(viewer: Viewer, now: SqlTime, table: FromClause = pages) -> ColumnElement[bool]:
    """THE rule for pages: the public sees PUBLISHED, and SCHEDULED once `publishedAt <= now`."""
    if viewer.sees_drafts:
        return true()
    return and_(table.c.status.in_(LIVE), table.c.published_at <= now)


def page_scope(ctx: ReadContext, locale: str | None) -> Sequence[ColumnElement[bool]]:
    """Visible pages, each translation group resolved to its best locale."""
    chain = locale_chain(locale, ctx.default_locale)

    def visible(table: FromClause) -> ColumnElement[bool]:
        return page_visibility(ctx.viewer, NOW, table)

    return (visible(pages), best_translation(pages, chain, visible))


def _page_filters() -> FilterSpec:
    return PAGE_FILTERS


PAGE_FILTERS = FilterSpec(
    visibility=page_visibility,
    columns={
        "id": ColumnFilter(pages.c.id, lambda value: decode_id(value, "Page")),
        "path": ColumnFilter(pages.c.path),
        "slug": ColumnFilter(pages.c.slug),
        "title": ColumnFilter(pages.c.title),
        "status": ColumnFilter(pages.c.status),
        "published_at": ColumnFilter(pages.c.published_at),
        "created_at": ColumnFilter(pages.c.created_at),
        "updated_at": ColumnFilter(pages.c.updated_at),
        "locale": ColumnFilter(pages.c.locale),
    },
    relations={"parent": ToOne(pages.c.parent_id, pages.c.id, _page_filters)},
)

PAGE_LISTING = Listing(
    name="Page",
    table=pages,
    columns=PAGE_COLUMNS,
    filters=PAGE_FILTERS,
    orderings={
        "PATH_ASC": SortKey("path", pages.c.path),
        "PATH_DESC": SortKey("path", pages.c.path, descending=True),
        "TITLE_ASC": SortKey("title", pages.c.title),
        "PUBLISHED_AT_DESC": SortKey(
            "published_at", pages.c.published_at, True, nullable=True, parse=parse_datetime
        ),
        "UPDATED_AT_DESC": SortKey("updated_at", pages.c.updated_at, True, parse=parse_datetime),
    },
    primary_key=SortKey("pk", pages.c.id),
    default_order=("PATH_ASC",),
    scope=page_scope,
    never_null=dated_for,
)


def _visible_pages(ctx: ReadContext) -> Callable[[], Select[Any]]:
    return lambda: select(*PAGE_COLUMNS).where(page_visibility(ctx.viewer, NOW))


def _localized_pages(ctx: ReadContext, locale: str | None) -> Callable[[], Select[Any]]:
    return lambda: select(*PAGE_COLUMNS).where(*page_scope(ctx, locale))


def pages_by_id(ctx: ReadContext) -> DataLoader[int, Any | None]:
    """The operation's loader of visible page rows by primary key."""
    return rows_by_key(ctx, "Page", _visible_pages(ctx), pages.c.id)


async def page_by_id(ctx: ReadContext, pk: int | None) -> Any | None:
    """A visible page by primary key (batched), or None."""
    return None if pk is None else await pages_by_id(ctx).load(pk)


async def page_by_path(ctx: ReadContext, path: str, locale: str | None) -> Any | None:
    """The visible page at `path` in the best locale of the chain."""
    build = _localized_pages(ctx, locale)
    return await rows_by_key(ctx, ("Page.path", locale), build, pages.c.path).load(path)


async def page_in_locale(ctx: ReadContext, group: str, locale: str | None) -> Any | None:
    """The best visible translation of a page's translation group for `locale`."""
    build = _localized_pages(ctx, locale)
    loader = rows_by_key(ctx, ("Page.group", locale), build, pages.c.translation_group)
    return await loader.load(group)


def pages_by_parent(ctx: ReadContext) -> DataLoader[int, list[Any]]:
    """The operation's loader of each page's visible children, by path."""

    def build() -> Select[Any]:
        return _visible_pages(ctx)().order_by(pages.c.path)

    return row_lists_by_key(ctx, "Page.children", build, pages.c.parent_id)


def _prefixes(path: str) -> list[str]:
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[:size]) for size in range(1, len(parts))]


async def ancestors_of_page(ctx: ReadContext, page: Any) -> list[Any]:
    """The visible pages above `page`, root first: every proper prefix of its path."""
    key = tuple_(pages.c.locale, pages.c.path)
    by_path = attrgetter("locale", "path")
    loader = rows_by_key(ctx, "Page.locale_path", _visible_pages(ctx), key, by_path)
    found = await loader.load_many([(page.locale, prefix) for prefix in _prefixes(page.path)])
    return [row for row in found if row is not None]


def pages_by_translation_group(ctx: ReadContext) -> DataLoader[str, list[Any]]:
    """The operation's loader of every visible locale of a page's group, by locale."""

    def build() -> Select[Any]:
        return _visible_pages(ctx)().order_by(pages.c.locale)

    return row_lists_by_key(ctx, "Page.translations", build, pages.c.translation_group)
