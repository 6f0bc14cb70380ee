"""Root query of search: `search`."""

from __future__ import annotations

from typing import Annotated

import strawberry

from masthead.resolvers.search import SearchArgs, search
from masthead.schema.core.arguments import After, First, Locale
from masthead.schema.core.context import Info
from masthead.schema.core.directives import CONNECTION_SIZE
from masthead.schema.search.types import (
    SearchableType,
    SearchConnection,
    search_connection,
    selects_snippets,
    selects_total_count,
)

Types = Annotated[
    list[SearchableType] | None,
    strawberry.argument(description="Only these types; all when omitted."),
]
Query = Annotated[
    str,
    strawberry.argument(
        description="Words to find, all of them; the last also matches as a prefix."
    ),
]


@strawberry.type
class SearchQueries:
    """`search`."""

    @strawberry.field(
        description="Full-text search over visible posts, pages, authors and tags, best first.",
        directives=[CONNECTION_SIZE],
    )
    async def search(  # noqa: PLR0913
        self,
        info: Info,
        query: Query,
        first: First = None,
        after: After = None,
        types: Types = None,
        locale: Locale = None,
    ) -> SearchConnection:
        """One statement for the page, one per type for its entries, one for `totalCount`."""
        names = None if types is None else tuple(t.name for t in types)
        args = SearchArgs(
            query=query, first=first, after=after, types=names, locale=locale,
            with_documents=selects_snippets(info), with_count=selects_total_count(info),
        )  # fmt: skip
        return await search_connection(info, await search(info.context, args))
