"""Root and nested connections for any content type, described once by a `Listing`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Select, func, select
from strawberry.dataloader import DataLoader

from masthead.resolvers.core.context import LoadFunction, ReadContext, Viewer
from masthead.resolvers.core.loaders import count_rows, counted_rows, counts_by_key
from masthead.resolvers.core.pagination import (
    Grouping,
    Ordering,
    PageRequest,
    PageResult,
    SortKey,
    build_ordering,
    grouped_page_statement,
    page_request,
    page_result,
    page_statement,
    parent_parameters,
)
from masthead.resolvers.core.statements import NOW, shared_statement
from masthead.resolvers.core.where import (
    FilterSpec,
    Visibility,
    compile_where,
    narrowed_by_relation,
)

Scope = Callable[[ReadContext, str | None], Sequence[ColumnElement[bool]]]


def unlocalized(visibility: Visibility) -> Scope:
    """The scope of a type without locales: the rows its visibility rule shows the viewer."""
    return lambda ctx, _locale: (visibility(ctx.viewer, NOW),)


@dataclass(frozen=True)
class Listing:
    """How one content type is listed: columns, filters, orderings and who sees what."""

    name: str
    table: FromClause
    columns: Sequence[ColumnElement[Any]]
    filters: FilterSpec
    orderings: Mapping[str, SortKey]
    primary_key: SortKey
    default_order: tuple[str, ...]
    scope: Scope
    # The sort keys the scope keeps from NULL for a viewer (the public's posts are dated).
    never_null: Callable[[Viewer], Collection[str]] = lambda _viewer: ()


@dataclass(frozen=True)
class Children:
    """The path from a parent to a listing's rows: the parent's key column and the join."""

    name: str
    parent_key: ColumnElement[Any]
    join: FromClause


@dataclass(frozen=True)
class ListArgs:
    """Arguments every connection takes; `repr` keys the per-operation loaders."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None
    where: Any = None
    order_by: tuple[str, ...] = ()
    locale: str | None = None


def list_args(**arguments: Any) -> ListArgs:
    """Connection arguments from a resolver's keywords (order enums become their names)."""
    order = arguments.pop("order_by", None) or ()
    return ListArgs(order_by=tuple(getattr(o, "value", o) for o in order), **arguments)


@dataclass
class ListPage:
    """One page of a connection and, on demand, how many rows the whole list has."""

    result: PageResult
    count: Callable[[], Awaitable[int]] = field(repr=False)


def _plan(ctx: ReadContext, listing: Listing, args: ListArgs) -> tuple[Ordering, PageRequest]:
    ordering = build_ordering(
        args.order_by or listing.default_order, listing.orderings, listing.primary_key
    ).without_nulls(listing.never_null(ctx.viewer))
    request = page_request(
        ordering, first=args.first, after=args.after, last=args.last, before=args.before
    )
    return ordering, request


def _conditions(ctx: ReadContext, listing: Listing, args: ListArgs) -> list[ColumnElement[bool]]:
    return [*listing.scope(ctx, args.locale), compile_where(args.where, listing.filters, ctx)]


async def list_page(
    ctx: ReadContext, listing: Listing, args: ListArgs, *, counted: bool = False
) -> ListPage:
    """A root connection's page: one statement, plus one count when `totalCount` is read.

    `counted` says `totalCount` is selected. When the filter also finds its rows through a
    relation's links (`narrowed_by_relation`), the page reads every match anyway, so its
    rows carry the count (`TOTAL`), from one statement over the matches, found once.
    """
    ordering, request = _plan(ctx, listing, args)
    shape = (listing.name, repr(args), ctx.shape)
    together = counted and narrowed_by_relation(args.where, listing.filters)

    def base() -> Select[Any]:
        return select(*listing.columns).where(*_conditions(ctx, listing, args))

    def page_base() -> Select[Any]:
        if not together:
            return base()
        key = listing.primary_key.column
        matches = base().with_only_columns(key.label("id")).cte("matches")
        total = select(func.count()).select_from(matches).scalar_subquery().label(TOTAL)
        return select(*listing.columns, total).where(key.in_(select(matches.c.id)))

    def count() -> Awaitable[int]:
        counted = shared_statement(
            ("list_count", *shape),
            lambda: counted_rows(base().with_only_columns(listing.table.c.id)),
        )
        return count_rows(ctx, counted)

    statement = shared_statement(
        ("list_page", together, *shape), lambda: page_statement(page_base(), ordering, request)
    )
    rows = await ctx.rows(statement)
    result = page_result(rows, ordering, request)
    if not together:
        return ListPage(result, count)
    if rows:
        total: int = getattr(rows[0], TOTAL)
        return ListPage(result, lambda: _known(total))
    # No row to read the count from: none match, or the cursor is past them all.
    anywhere = args.after is None and args.before is None
    return ListPage(result, lambda: _known(0) if anywhere else count())


TOTAL = "total_count"


async def _known(total: int) -> int:
    return total


def _children_base(
    ctx: ReadContext, listing: Listing, children: Children, args: ListArgs
) -> Callable[[], Select[Any]]:
    def build() -> Select[Any]:
        base = select(*listing.columns).select_from(children.join)
        return base.where(*_conditions(ctx, listing, args))

    return build


@dataclass(frozen=True)
class ChildPages:
    """Pages of one nested connection for an operation's parents, and their counts.

    Every parent's page comes from one windowed statement; a page's count is read on
    demand, every parent's in one statement too. Called with a parent's key, it is that
    parent's page.
    """

    pages: DataLoader[Any, PageResult]
    counts: DataLoader[Any, int]

    def page(self, parent_key: Any, result: PageResult) -> ListPage:
        """A parent's page as a `ListPage`: its rows, and its count when asked for."""
        return ListPage(result, lambda: self.counts.load(parent_key))

    async def __call__(self, parent_key: Any) -> ListPage:
        """One parent's page (batched with the others')."""
        return self.page(parent_key, await self.pages.load(parent_key))


def child_page_loader(
    ctx: ReadContext, listing: Listing, children: Children, args: ListArgs
) -> ChildPages:
    """Load one page per parent; every parent's page comes from one statement."""
    name = (children.name, repr(args))
    build = _children_base(ctx, listing, children, args)
    # SQLite reads each parent's page on its own; PostgreSQL numbers them in a window.
    per_parent = ctx.engine.dialect.name == "sqlite"
    grouping = Grouping(listing.columns, listing.table.c.id, children.parent_key, per_parent)

    def make() -> LoadFunction:
        ordering, request = _plan(ctx, listing, args)

        def statement(parents: int) -> Select[Any]:
            key = ("child_pages", *name, parents == 1, per_parent, ctx.shape)
            return shared_statement(
                key,
                lambda: grouped_page_statement(
                    build(), grouping, ordering, request, parents=parents
                ),
            )

        async def load(parent_keys: list[Any]) -> list[PageResult]:
            parameters = parent_parameters(parent_keys, per_parent=per_parent)
            groups: dict[Any, list[Any]] = defaultdict(list)
            for row in await ctx.rows(statement(len(parent_keys)), parameters=parameters):
                groups[row.group_key].append(row)
            return [page_result(groups.get(key, []), ordering, request) for key in parent_keys]

        return load

    pages = ctx.loader(("child_pages", *name), make)
    return ChildPages(pages, child_counts(ctx, listing, children, args))


def child_counts(
    ctx: ReadContext, listing: Listing, children: Children, args: ListArgs | None = None
) -> DataLoader[Any, int]:
    """How many visible rows each parent has (e.g. `postCount`), batched.

    Only `where` and `locale` change a count: a page's `totalCount` and `postCount` share
    one loader, and one statement, whatever the page's size, cursor and order.
    """
    counted = ListArgs() if args is None else ListArgs(where=args.where, locale=args.locale)
    build = _children_base(ctx, listing, children, counted)
    return counts_by_key(ctx, (children.name, repr(counted)), build, children.parent_key)
