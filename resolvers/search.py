"""Full-text search over posts, pages, authors and tags: FTS5 on SQLite, tsvector on PostgreSQL.

One statement ranks the visible hits, cuts the page by keyset over (score, kind, id) and
reads the snippet text of the page's hits only. Ranks come from the index's statistics,
so a write between two pages may shift them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Float,
    FromClause,
    Integer,
    Select,
    String,
    Table,
    and_,
    case,
    column,
    exists,
    false,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    table,
    true,
    union_all,
)

from masthead.resolvers.author import AUTHOR_LISTING, author_by_id
from masthead.resolvers.core.context import ReadContext
from masthead.resolvers.core.listing import Listing, ListPage
from masthead.resolvers.core.loaders import count_rows, counted_rows
from masthead.resolvers.core.locale import check_locale
from masthead.resolvers.core.pagination import (
    Ordering,
    PageRequest,
    SortKey,
    page_request,
    page_result,
    page_statement,
)
from masthead.resolvers.page import PAGE_LISTING, page_by_id
from masthead.resolvers.post import POST_LISTING, post_by_id
from masthead.resolvers.search_text import FIELD_SEPARATOR, fts5_match, search_terms, tsquery_text
from masthead.resolvers.tag import TAG_LISTING, tag_by_id


@dataclass(frozen=True)
class SearchSource:
    """A searchable type: its kind code in the index and cursors, visibility and loader."""

    name: str
    kind: int
    listing: Listing
    load: Callable[[ReadContext, int], Awaitable[Any | None]]
    # The indexed text, best snippet source first: body, summary, title.
    document: tuple[str, ...]

    @property
    def table(self) -> Table:
        """The source table (every listing of a searchable type reads one table)."""
        return cast("Table", self.listing.table)


SOURCES = (
    SearchSource("Post", 0, POST_LISTING, post_by_id, ("body", "excerpt", "title")),
    SearchSource("Page", 1, PAGE_LISTING, page_by_id, ("body", "title")),
    SearchSource("Author", 2, AUTHOR_LISTING, author_by_id, ("bio", "name")),
    SearchSource("Tag", 3, TAG_LISTING, tag_by_id, ("description", "name")),
)
SOURCE_BY_KIND = {source.kind: source for source in SOURCES}

# Cursor validation needs no statement; page statements bind these names to real columns.
SEARCH_ORDER = Ordering(
    "search",
    (
        SortKey("score", column("score", Float), parse=float),
        SortKey("kind", column("kind", Integer), parse=int),
        SortKey("ref", column("ref", Integer), parse=int),
    ),
)


@dataclass(frozen=True)
class SearchArgs:
    """The arguments of `search`; `types` holds upper-case type names, None for all."""

    query: str
    first: int | None = None
    after: str | None = None
    types: tuple[str, ...] | None = None
    locale: str | None = None
    with_documents: bool = True
    # Whether `totalCount` is read: the page statement then counts the hits it ranked.
    with_count: bool = False


@dataclass
class SearchPage(ListPage):
    """A page of hits (rows with `kind`, `ref`, `score`, `document`) and the query's words."""

    terms: tuple[str, ...] = ()


Hits = Callable[[ReadContext, tuple[str, ...], list[SearchSource], str | None], Any]


# SQLite: one FTS5 table whose rowid is `id * 4 + kind` -----------------------------------

_INDEX = table("search_index", column("rowid", Integer), column("search_index"))
_INDEX_NAME: ColumnElement[Any] = literal_column("search_index")
_BM25_WEIGHTS = (1.0, 4.0, 10.0)  # body, summary, title


def _sqlite_visible(
    ctx: ReadContext, source: SearchSource, ref: ColumnElement[int], locale: str | None
) -> ColumnElement[bool]:
    scope = source.listing.scope(ctx, locale)
    if not scope:
        return true()
    entries = source.table
    return exists(select(1).select_from(entries).where(entries.c.id == ref, *scope))


def _sqlite_hits(
    ctx: ReadContext, terms: tuple[str, ...], sources: list[SearchSource], locale: str | None
) -> Select[Any]:
    kind, ref = _INDEX.c.rowid % 4, _INDEX.c.rowid // 4
    visible = [and_(kind == s.kind, _sqlite_visible(ctx, s, ref, locale)) for s in sources]
    return select(
        kind.label("kind"),
        ref.label("ref"),
        func.bm25(_INDEX_NAME, *_BM25_WEIGHTS).label("score"),
    ).where(_INDEX.c.search_index.match(fts5_match(terms)), or_(false(), *visible))


# PostgreSQL: a generated `search_vector` on each table ----------------------------------

_CONFIG: ColumnElement[Any] = literal_column("'masthead_search'::regconfig")
_RANK_NORMALIZATION = 1  # divide by 1 + log(length): long bodies do not win by bulk


def _postgresql_hits(
    ctx: ReadContext, terms: tuple[str, ...], sources: list[SearchSource], locale: str | None
) -> CompoundSelect[Any]:
    """Each table's visible matches with their rank.

    The query is a scalar subquery: computed once per statement, not once per ranked row,
    and unknown to the planner, which then reads the GIN index. Knowing the words, it
    would see a common one match most posts and scan the table, reading every row's
    vector out of TOAST to test it (1.5x the time of the index at 20,000 posts).
    """
    query = select(func.to_tsquery(_CONFIG, tsquery_text(terms))).scalar_subquery()
    branches = []
    for source in sources:
        entries = source.table
        vector: ColumnElement[Any] = literal_column(f"{entries.name}.search_vector")
        score = -func.ts_rank(vector, query, _RANK_NORMALIZATION, type_=Float)
        branches.append(
            select(
                literal_column(str(source.kind), Integer).label("kind"),
                entries.c.id.label("ref"),
                score.label("score"),
            ).where(vector.op("@@")(query), *source.listing.scope(ctx, locale))
        )
    return union_all(*branches)


# The search -----------------------------------------------------------------------------


def _document(source: SearchSource, ref: ColumnElement[int]) -> ColumnElement[str]:
    """An entry's indexed fields in one text, best snippet source first."""
    entries = source.table
    fields = [func.coalesce(entries.c[name], "") for name in source.document]
    joined: ColumnElement[str] = fields[0]
    for field in fields[1:]:
        joined = joined + literal(FIELD_SEPARATOR, String) + field
    return select(joined).where(entries.c.id == ref).scalar_subquery()


def _page_statement(
    hits: FromClause, request: PageRequest, *, with_documents: bool, with_count: bool
) -> Select[Any]:
    """Rank and cut the page on narrow rows; read snippet text for the page's hits only.

    With the count, the hits are a common table expression read twice (both databases
    then find them once): for the page and for how many there are.
    """
    keys = tuple(SortKey(k.name, hits.c[k.name], parse=k.parse) for k in SEARCH_ORDER.keys)
    narrow = select(hits.c.kind, hits.c.ref, hits.c.score)
    page = page_statement(narrow, Ordering(SEARCH_ORDER.name, keys), request).subquery("page")
    documents = {source.kind: _document(source, page.c.ref) for source in SOURCES}
    document = case(documents, value=page.c.kind) if with_documents else null()
    total = select(func.count()).select_from(hits).scalar_subquery() if with_count else null()
    columns = (page.c.kind, page.c.ref, page.c.score, document.label("document"))
    return select(*columns, total.label("total")).order_by(page.c.score, page.c.kind, page.c.ref)


async def _no_hits() -> int:
    return 0


async def _known(count: int) -> int:
    return count


async def search(ctx: ReadContext, args: SearchArgs) -> SearchPage:
    """One page of visible hits, best first; one more statement when the count is read."""
    request = page_request(SEARCH_ORDER, first=args.first, after=args.after)
    if args.locale is not None:
        check_locale(args.locale)
    terms = search_terms(args.query)
    sources = [s for s in SOURCES if args.types is None or s.name.upper() in args.types]
    if not terms or not sources:
        return SearchPage(page_result([], SEARCH_ORDER, request), _no_hits, terms)
    hits_of: Hits = _sqlite_hits if ctx.engine.dialect.name == "sqlite" else _postgresql_hits
    found = hits_of(ctx, terms, sources, args.locale)
    hits = found.cte("hits") if args.with_count else found.subquery("hits")
    statement = _page_statement(
        hits, request, with_documents=args.with_documents, with_count=args.with_count
    )
    rows = await ctx.rows(statement)
    result = page_result(rows, SEARCH_ORDER, request)
    if args.with_count and rows:
        return SearchPage(result, partial(_known, rows[0].total), terms)
    counted = counted_rows(select(hits.c.ref))
    return SearchPage(result, lambda: count_rows(ctx, counted), terms)


async def hit_entries(ctx: ReadContext, rows: Sequence[Any]) -> list[tuple[str, Any] | None]:
    """Each hit's type name and entry row, batched per type; None for a vanished entry."""
    sources = [SOURCE_BY_KIND[row.kind] for row in rows]
    found = await asyncio.gather(
        *(s.load(ctx, row.ref) for s, row in zip(sources, rows, strict=True))
    )
    return [
        None if entry is None else (source.name, entry)
        for source, entry in zip(sources, found, strict=True)
    ]
