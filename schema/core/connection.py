"""Relay connections: `PostConnection`, `PostEdge`, … are `Connection[Post]`, `Edge[Post]`."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar, cast

import strawberry

from masthead.resolvers.core.context import ReadContext
from masthead.resolvers.core.listing import ChildPages, ListArgs, Listing, ListPage, list_page
from masthead.resolvers.core.pagination import PageResult
from masthead.schema.core.context import Info
from masthead.schema.core.directives import COUNT_COST
from masthead.schema.core.prefetch import (
    CONNECTIONS,
    NestedConnection,
    node_selections,
    prefetch,
    prefetched_page,
    selects,
)

T = TypeVar("T")


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    """Relay page info."""

    has_next_page: bool = strawberry.field(description="More entries follow this page.")
    has_previous_page: bool = strawberry.field(description="Entries precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first entry.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last entry.")


@strawberry.type(description="An entry of a page and its cursor.")
class Edge(Generic[T]):
    """A node with the cursor to continue from it."""

    node: T = strawberry.field(description="The entry.")
    row: strawberry.Private[Any]
    page: strawberry.Private[PageResult]

    @strawberry.field(description="Opaque cursor: pass it as `after` or `before`.")
    def cursor(self) -> str:
        """Encoded lazily: only when a client asks for it."""
        return self.page.cursor(self.row)


@strawberry.type(description="A page of entries (Relay cursor connection).")
class Connection(Generic[T]):
    """Edges, nodes, page info and the total count of a list."""

    listing: strawberry.Private[ListPage]
    items: strawberry.Private[list[Any]]

    @strawberry.field(description="Entries of this page with their cursors.")
    def edges(self) -> list[Edge[T]]:
        """Edges over the page's rows."""
        page = self.listing.result
        return [Edge(node=n, row=r, page=page) for n, r in zip(self.items, page.rows, strict=True)]

    @strawberry.field(description="Entries of this page.")
    def nodes(self) -> list[T]:
        """The page's entries."""
        return self.items

    @strawberry.field(description="Where this page sits in the whole list.")
    def page_info(self) -> PageInfo:
        """Cursors of the first and last entries and whether more lie on either side."""
        page = self.listing.result
        rows = page.rows
        return PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=page.cursor(rows[0]) if rows else None,
            end_cursor=page.cursor(rows[-1]) if rows else None,
        )

    @strawberry.field(
        description="How many entries the whole list has (all pages).", directives=[COUNT_COST]
    )
    async def total_count(self) -> int:
        """Counted only when asked for."""
        return await self.listing.count()


async def connection_of(
    info: Info, listing: ListPage, build: Callable[[Any], Any]
) -> Connection[Any]:
    """A connection over a page, rows built into their schema type, relations prefetched."""
    items = [build(row) for row in listing.result.rows]
    await prefetch(info, items, node_selections(info))
    return Connection(listing=listing, items=items)


async def listed(
    info: Info, listing: Listing, args: ListArgs, build: Callable[[Any], Any]
) -> Connection[Any]:
    """A root connection of `listing`: its page (with its count, when selected) and nodes."""
    counted = selects(info, "totalCount")
    page = await list_page(info.context, listing, args, counted=counted)
    return await connection_of(info, page, build)


def nested(
    key: Callable[[Any], Hashable],
    pages: Callable[[ReadContext, ListArgs], ChildPages],
    build: Callable[[Any], Any],
) -> NestedConnection:
    """A nested connection's description (`connections`).

    Each parent's key, the pages for some arguments, and each row's node.
    """
    return NestedConnection(
        key, pages, build, lambda page, items: Connection(listing=page, items=items)
    )


def nested_page(info: Info, parent: Any, field: str, args: ListArgs) -> Connection[Any]:
    """`field`'s page of `parent`: prefetched with the parent's page, or loaded for it.

    Loaded, it is batched with every other parent's of the operation. Typed as the
    connection: graphql-core awaits the awaitable returned otherwise, so the field
    completes at once for every parent whose page was prefetched.
    """
    found = prefetched_page(parent, field, args)
    if found is not None:
        return cast("Connection[Any]", found)
    return cast("Connection[Any]", _load_page(info, parent, CONNECTIONS[type(parent)][field], args))


async def _load_page(
    info: Info, parent: Any, connection: NestedConnection, args: ListArgs
) -> Connection[Any]:
    page = await connection.pages(info.context, args)(connection.key(parent))
    return await connection_of(info, page, connection.build)
