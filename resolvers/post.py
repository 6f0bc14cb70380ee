"""Posts: the visibility rule, filters, orderings, lookups and the relations that end in posts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    FromClause,
    Select,
    and_,
    bindparam,
    func,
    select,
    true,
)
from strawberry.dataloader import DataLoader

from masthead.models import Post, PostCoAuthor, PostTag
from masthead.resolvers.author import AUTHOR_COLUMNS, AUTHOR_FILTERS, authors
from masthead.resolvers.core.bodies import body_part
from masthead.resolvers.core.content import LIVE, dated_for
from masthead.resolvers.core.context import ReadContext, Viewer
from masthead.resolvers.core.ids import decode_id
from masthead.resolvers.core.listing import Children, Listing
from masthead.resolvers.core.loaders import row_lists_by_key, rows_by_key
from masthead.resolvers.core.locale import best_translation, locale_chain
from masthead.resolvers.core.pagination import (
    Grouping,
    Ordering,
    PageRequest,
    SortKey,
    grouped_page_statement,
    page_statement,
    parent_parameters,
    parse_datetime,
)
from masthead.resolvers.core.statements import KEYS, NOW, PARENT_KEY, SqlTime, shared_statement
from masthead.resolvers.core.where import ColumnFilter, FilterSpec, ToMany, ToOne
from masthead.resolvers.tag import TAG_FILTERS, tags

posts = Post.__table__
post_tags = PostTag.__table__
post_co_authors = PostCoAuthor.__table__
SLUG: BindParameter[str] = bindparam("slug")

POST_COLUMNS = (
    posts.c.id.label("pk"),
    *(posts.c[name] for name in (
        "slug", "title", "excerpt", "status", "published_at", "created_at",
        "updated_at", "featured", "locale", "translation_group", "author_id",
        "cover_image_id", "seo_title", "seo_description", "seo_canonical_url",
        "seo_og_image_id", "version",
    )),
    body_part(posts.c.word_count, "counts", "words"),
    body_part(posts.c.reading_time_minutes, "counts", "reading_minutes"),
    body_part(posts.c.body, "markdown", "markdown"),
    body_part(posts.c.body_html, "html", "body_html"),
    body_part(posts.c.body_text, "text", "body_text"),
)  # fmt: skip


def post_visibility(viewer: Viewer, now: SqlTime, table: FromClause = posts) -> ColumnElement[bool]:
    """THE rule for posts: the public sees PUBLISHED, and SCHEDULED once `publishedAt <= now`.

    Writes keep `publishedAt` of a PUBLISHED post in the past, so both statuses share one
    date bound and a listing scans its date index from `now` down.
    """
    if viewer.sees_drafts:
        return true()
    return and_(table.c.status.in_(LIVE), table.c.published_at <= now)


def post_scope(ctx: ReadContext, locale: str | None) -> Sequence[ColumnElement[bool]]:
    """Visible posts, each translation group resolved to its best locale."""
    chain = locale_chain(locale, ctx.default_locale)

    def visible(table: FromClause) -> ColumnElement[bool]:
        return post_visibility(ctx.viewer, NOW, table)

    return (visible(posts), best_translation(posts, chain, visible))


POST_FILTERS = FilterSpec(
    visibility=post_visibility,
    columns={
        "id": ColumnFilter(posts.c.id, lambda value: decode_id(value, "Post")),
        "slug": ColumnFilter(posts.c.slug),
        "title": ColumnFilter(posts.c.title),
        "excerpt": ColumnFilter(posts.c.excerpt),
        "status": ColumnFilter(posts.c.status),
        "published_at": ColumnFilter(posts.c.published_at),
        "created_at": ColumnFilter(posts.c.created_at),
        "updated_at": ColumnFilter(posts.c.updated_at),
        "featured": ColumnFilter(posts.c.featured),
        "locale": ColumnFilter(posts.c.locale),
        "version": ColumnFilter(posts.c.version),
    },
    relations={
        "author": ToOne(posts.c.author_id, authors.c.id, lambda: AUTHOR_FILTERS),
        "tags": ToMany(
            post_tags.join(tags, tags.c.id == post_tags.c.tag_id),
            posts.c.id,
            post_tags.c.post_id,
            lambda: TAG_FILTERS,
        ),
    },
)


def _date_key(name: str, descending: bool) -> SortKey:
    return SortKey(name, posts.c[name], descending, nullable=True, parse=parse_datetime)


POST_LISTING = Listing(
    name="Post",
    table=posts,
    columns=POST_COLUMNS,
    filters=POST_FILTERS,
    orderings={
        "PUBLISHED_AT_DESC": _date_key("published_at", True),
        "PUBLISHED_AT_ASC": _date_key("published_at", False),
        "UPDATED_AT_DESC": SortKey("updated_at", posts.c.updated_at, True, parse=parse_datetime),
        "UPDATED_AT_ASC": SortKey("updated_at", posts.c.updated_at, parse=parse_datetime),
        "CREATED_AT_DESC": SortKey("created_at", posts.c.created_at, True, parse=parse_datetime),
        "CREATED_AT_ASC": SortKey("created_at", posts.c.created_at, parse=parse_datetime),
        "TITLE_ASC": SortKey("title", posts.c.title),
        "TITLE_DESC": SortKey("title", posts.c.title, descending=True),
    },
    primary_key=SortKey("pk", posts.c.id, descending=True),
    default_order=("PUBLISHED_AT_DESC",),
    scope=post_scope,
    never_null=dated_for,
)

POSTS_OF_AUTHOR = Children("Author.posts", posts.c.author_id, posts)
POSTS_OF_TAG = Children(
    "Tag.posts", post_tags.c.tag_id, posts.join(post_tags, post_tags.c.post_id == posts.c.id)
)


def _visible_posts(ctx: ReadContext) -> Callable[[], Select[Any]]:
    return lambda: select(*POST_COLUMNS).where(post_visibility(ctx.viewer, NOW))


def _localized_posts(ctx: ReadContext, locale: str | None) -> Callable[[], Select[Any]]:
    return lambda: select(*POST_COLUMNS).where(*post_scope(ctx, locale))


def posts_by_id(ctx: ReadContext) -> DataLoader[int, Any | None]:
    """The operation's loader of visible post rows by primary key."""
    return rows_by_key(ctx, "Post", _visible_posts(ctx), posts.c.id)


async def post_by_id(ctx: ReadContext, pk: int | None) -> Any | None:
    """A visible post by primary key (batched), or None."""
    return None if pk is None else await posts_by_id(ctx).load(pk)


async def post_in_locale(ctx: ReadContext, group: str, locale: str | None) -> Any | None:
    """The best visible translation of a translation group for `locale`."""
    build = _localized_posts(ctx, locale)
    loader = rows_by_key(ctx, ("Post.group", locale), build, posts.c.translation_group)
    return await loader.load(group)


async def post_by_slug(ctx: ReadContext, slug: str, locale: str | None) -> Any | None:
    """The post whose slug matches in one of the locale chain's locales, best translation."""

    def build() -> Select[Any]:
        groups = select(posts.c.translation_group).where(
            posts.c.slug == SLUG,
            posts.c.locale.in_(locale_chain(locale, ctx.default_locale)),
            post_visibility(ctx.viewer, NOW),
        )
        base = _localized_posts(ctx, locale)()
        return base.where(posts.c.translation_group.in_(groups.scalar_subquery()))

    statement = shared_statement(("Post.slug", locale, ctx.shape), build)
    rows = await ctx.rows(statement, parameters={"slug": slug})
    return rows[0] if rows else None


def posts_by_translation_group(ctx: ReadContext) -> DataLoader[str, list[Any]]:
    """The operation's loader of every visible locale of a translation group, by locale."""

    def build() -> Select[Any]:
        return _visible_posts(ctx)().order_by(posts.c.locale)

    return row_lists_by_key(ctx, "Post.translations", build, posts.c.translation_group)


def _co_authors_in_order() -> Select[Any]:
    joined = select(*AUTHOR_COLUMNS).join(
        post_co_authors, post_co_authors.c.author_id == authors.c.id
    )
    return joined.order_by(post_co_authors.c.post_id, post_co_authors.c.position)


def co_authors_by_post(ctx: ReadContext) -> DataLoader[int, list[Any]]:
    """The operation's loader of each post's co-authors, in the editor's order."""
    key = post_co_authors.c.post_id
    return row_lists_by_key(ctx, "Post.coAuthors", _co_authors_in_order, key)


async def related_posts(ctx: ReadContext, post: Any, first: int) -> list[Any]:
    """Other visible posts ranked by tags shared with `post` (batched per locale and size)."""
    related: list[Any] = await _related_loader(ctx, first, post.locale).load(post.pk)
    return related


def _related_statement(ctx: ReadContext, parents: int, first: int, locale: str) -> Any:
    """Per source post, the visible candidates with the most shared tags, newest first.

    Shared tags are counted on the join table alone; the page per source comes from the
    one per-parent pagination.
    """
    source_tags = post_tags.alias("source_tags")
    shared = (
        select(
            source_tags.c.post_id.label("source_id"),
            post_tags.c.post_id.label("candidate_id"),
            func.count().label("tag_count"),
        )
        .join(post_tags, post_tags.c.tag_id == source_tags.c.tag_id)
        .where(source_tags.c.post_id.in_(KEYS), post_tags.c.post_id != source_tags.c.post_id)
        .group_by(source_tags.c.post_id, post_tags.c.post_id)
        .subquery("shared")
    )
    source = posts.alias("source_post")
    candidates = (
        select(*POST_COLUMNS)
        .select_from(shared)
        .join(posts, posts.c.id == shared.c.candidate_id)
        .join(source, source.c.id == shared.c.source_id)
        .where(*post_scope(ctx, locale))
        .where(posts.c.translation_group != source.c.translation_group)
    )
    ordering = Ordering(
        "RELATED",
        (
            SortKey("tag_count", shared.c.tag_count, descending=True),
            SortKey("published_at", posts.c.published_at, descending=True, nullable=True),
            SortKey("id", posts.c.id, descending=True),
        ),
    ).without_nulls(dated_for(ctx.viewer))
    request = PageRequest(size=first, after=None, before=None, backwards=False)
    if parents == 1:
        return _one_source_page(candidates, ordering, request, shared.c.source_id)
    grouping = Grouping(POST_COLUMNS, posts.c.id, shared.c.source_id)
    return grouped_page_statement(candidates, grouping, ordering, request, parents=parents)


def _one_source_page(
    candidates: Select[Any], ordering: Ordering, request: PageRequest, source: ColumnElement[int]
) -> Select[Any]:
    """One source post's page, ranked on narrow rows; the wide columns of the winners only.

    Thousands of posts share a tag with any post. Ranked with every column, PostgreSQL's
    generic plan (a prepared statement's, from its sixth run) hashed each visible post
    whole and spilled to disk: 62 ms against 28 at 20,000 posts.
    """
    sort_columns = [key.column.label(f"sort_{n}") for n, key in enumerate(ordering.keys)]
    narrow = candidates.with_only_columns(
        posts.c.id.label("ranked_key"), source.label("group_key"), *sort_columns
    ).where(source == PARENT_KEY)
    page = page_statement(narrow, ordering, request).subquery("page")
    ranked = Ordering(
        ordering.name,
        tuple(replace(key, column=page.c[f"sort_{n}"]) for n, key in enumerate(ordering.keys)),
    )
    wide = select(*POST_COLUMNS, page.c.group_key).join(page, posts.c.id == page.c.ranked_key)
    return page_statement(wide, ranked, request)


def _related_loader(ctx: ReadContext, first: int, locale: str) -> DataLoader[int, list[Any]]:
    async def load(keys: list[int]) -> list[list[Any]]:
        key = ("Post.related", first, locale, len(keys) == 1, ctx.shape)
        statement = shared_statement(key, lambda: _related_statement(ctx, len(keys), first, locale))
        rows = await ctx.rows(statement, parameters=parent_parameters(keys))
        lists: dict[int, list[Any]] = {pk: [] for pk in keys}
        for row in rows:
            lists[row.group_key].append(row)
        # A page carries one row more than asked for, to tell whether there is more.
        return [lists[pk][:first] for pk in keys]

    return ctx.loader(("Post.related", first, locale), lambda: load)
