"""Search types: `SearchableType`, the `SearchResult` union and `SearchConnection`."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.types.nodes import FragmentSpread, InlineFragment, Selection

from masthead.resolvers.core.pagination import PageResult
from masthead.resolvers.search import SearchPage, hit_entries
from masthead.resolvers.search_text import snippet_html
from masthead.schema.author.types import Author
from masthead.schema.core.connection import PageInfo
from masthead.schema.core.context import Info, from_row
from masthead.schema.core.directives import COUNT_COST
from masthead.schema.core.prefetch import node_selections, own_selections, prefetch
from masthead.schema.page.types import Page
from masthead.schema.post.types import Post
from masthead.schema.tag.types import Tag

SearchResult = Annotated[
    Post | Page | Author | Tag,
    strawberry.union("SearchResult", description="An entry found by `search`."),
]
RESULT_TYPES: dict[str, type[Any]] = {"Post": Post, "Page": Page, "Author": Author, "Tag": Tag}


@strawberry.enum(description="Types `search` can look in.")
class SearchableType(Enum):
    """Searchable content types."""

    POST = strawberry.enum_value("POST", description="Posts: title, excerpt and body.")
    PAGE = strawberry.enum_value("PAGE", description="Pages: title and body.")
    AUTHOR = strawberry.enum_value("AUTHOR", description="Authors: name and bio.")
    TAG = strawberry.enum_value("TAG", description="Tags: name and description.")


@strawberry.type(description="A search hit: the entry, its cursor and a highlighted excerpt.")
class SearchEdge:
    """One hit of a search page."""

    node: SearchResult = strawberry.field(description="The entry found.")
    row: strawberry.Private[Any]
    page: strawberry.Private[PageResult]
    terms: strawberry.Private[tuple[str, ...]]

    @strawberry.field(description="Opaque cursor: pass it as `after`.")
    def cursor(self) -> str:
        """Encoded lazily: only when a client asks for it."""
        return self.page.cursor(self.row)

    @strawberry.field(
        description="A short excerpt around the match, HTML-escaped, matched words in `<mark>`."
    )
    def snippet(self) -> str | None:
        """Safe to insert as HTML."""
        return snippet_html(self.row.document, self.terms)


@strawberry.type(description="Search hits, best match first (Relay cursor connection).")
class SearchConnection:
    """Hits of one page with their entries (loaded only when a client selects them)."""

    listing: strawberry.Private[SearchPage]
    hits: strawberry.Private[list[SearchEdge]]

    @strawberry.field(description="Hits of this page with their cursors and snippets.")
    def edges(self) -> list[SearchEdge]:
        """Edges over the page's hits."""
        return self.hits

    @strawberry.field(description="Entries of this page.")
    def nodes(self) -> list[SearchResult]:
        """The page's entries."""
        return [edge.node for edge in self.hits]

    @strawberry.field(description="Where this page sits in the whole list of hits.")
    def page_info(self) -> PageInfo:
        """Cursors of the first and last hits and whether more follow."""
        page = self.listing.result
        rows = page.rows
        return PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=page.cursor(rows[0]) if rows else None,
            end_cursor=page.cursor(rows[-1]) if rows else None,
        )

    @strawberry.field(
        description="How many visible entries match (all pages).", directives=[COUNT_COST]
    )
    async def total_count(self) -> int:
        """Counted only when asked for."""
        return await self.listing.count()


def _selections_for(type_name: str, selections: list[Selection]) -> list[Selection]:
    """The selections that apply to one member of the union (other members' fragments go)."""
    kept: list[Selection] = []
    for selection in selections:
        if isinstance(selection, (InlineFragment, FragmentSpread)):
            condition = selection.type_condition
            if condition not in RESULT_TYPES or condition == type_name:
                kept.extend(_selections_for(type_name, selection.selections))
        else:
            kept.append(selection)
    return kept


async def _load_entries(info: Info, listing: SearchPage) -> list[SearchEdge]:
    """Entries in one batch per type, then each type's selected relations prefetched."""
    page, edges = listing.result, []
    groups: dict[str, list[Any]] = defaultdict(list)
    for row, entry in zip(page.rows, await hit_entries(info.context, page.rows), strict=True):
        if entry is not None:  # gone since the search statement: drop the hit
            node = from_row(RESULT_TYPES[entry[0]], entry[1])
            edges.append(SearchEdge(node=node, row=row, page=page, terms=listing.terms))
            groups[entry[0]].append(node)
    selections = node_selections(info)
    await asyncio.gather(
        *(
            prefetch(info, nodes, _selections_for(name, selections))
            for name, nodes in groups.items()
        )
    )
    return edges


def _fields(selections: list[Selection]) -> list[Selection]:
    flat: list[Selection] = []
    for selection in selections:
        if isinstance(selection, (InlineFragment, FragmentSpread)):
            flat.extend(_fields(selection.selections))
        else:
            flat.append(selection)
    return flat


def selects_total_count(info: Info) -> bool:
    """Whether the current `search` field selects `totalCount`."""
    return any(getattr(f, "name", "") == "totalCount" for f in _fields(own_selections(info)))


def selects_snippets(info: Info) -> bool:
    """Whether the current `search` field selects `edges { snippet }`."""
    edges = [f for f in _fields(own_selections(info)) if getattr(f, "name", "") == "edges"]
    inner = [s for edge in edges for s in _fields(edge.selections)]
    return any(getattr(field, "name", "") == "snippet" for field in inner)


async def search_connection(info: Info, listing: SearchPage) -> SearchConnection:
    """A connection over a page of hits; entries load only when `node`/`nodes` is selected."""
    if node_selections(info):
        return SearchConnection(listing=listing, hits=await _load_entries(info, listing))
    page, terms = listing.result, listing.terms
    # No entry is selected: the edges' `node` is never read.
    hits = [SearchEdge(node=None, row=row, page=page, terms=terms) for row in page.rows]  # type: ignore[arg-type]
    return SearchConnection(listing=listing, hits=hits)
