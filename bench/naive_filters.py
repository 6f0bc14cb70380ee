"""Filter inputs of the naive baseline: Masthead's names, compiled the straightforward way."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy import ColumnElement, and_, exists, not_, or_, select, true

from masthead.models import Author, Post, PostTag, Tag


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@strawberry.input
class StringFilter:
    """Text comparisons (contains/startsWith/endsWith ignore case)."""

    eq: str | None = None
    ne: str | None = None
    in_: list[str] | None = strawberry.field(default=None, name="in")
    not_in: list[str] | None = None
    contains: str | None = None
    starts_with: str | None = None
    ends_with: str | None = None
    is_null: bool | None = None


@strawberry.input
class DateTimeFilter:
    """Date-time comparisons."""

    eq: datetime | None = None
    ne: datetime | None = None
    gt: datetime | None = None
    gte: datetime | None = None
    lt: datetime | None = None
    lte: datetime | None = None
    is_null: bool | None = None


def _like(column: Any, pattern: str) -> ColumnElement[bool]:
    return column.ilike(pattern, escape="\\")  # type: ignore[no-any-return]


OPERATORS: dict[str, Any] = {
    "eq": lambda column, value: column == value,
    "ne": lambda column, value: column != value,
    "in_": lambda column, value: column.in_(value),
    "not_in": lambda column, value: column.not_in(value),
    "gt": lambda column, value: column > value,
    "gte": lambda column, value: column >= value,
    "lt": lambda column, value: column < value,
    "lte": lambda column, value: column <= value,
    "contains": lambda column, value: _like(column, f"%{_escaped(value)}%"),
    "starts_with": lambda column, value: _like(column, f"{_escaped(value)}%"),
    "ends_with": lambda column, value: _like(column, f"%{_escaped(value)}"),
    "is_null": lambda column, value: column.is_(None) if value else column.is_not(None),
}


def field_condition(column: Any, condition: Any) -> list[ColumnElement[bool]]:
    """Every operator given in one field filter, applied to `column`."""
    return [
        OPERATORS[name](column, value)
        for name, value in vars(condition).items()
        if value is not None
    ]


@strawberry.input
class TagWhere:
    """Conditions on a tag."""

    slug: StringFilter | None = None
    name: StringFilter | None = None


@strawberry.input
class AuthorWhere:
    """Conditions on an author."""

    slug: StringFilter | None = None
    name: StringFilter | None = None


@strawberry.input
class PostTagsWhere:
    """Conditions on a post's tags."""

    some: TagWhere | None = None
    every: TagWhere | None = None
    none: TagWhere | None = None


@strawberry.input
class PostWhere:
    """Conditions on posts; all given must hold."""

    and_: list[PostWhere] | None = strawberry.field(default=None, name="AND")
    or_: list[PostWhere] | None = strawberry.field(default=None, name="OR")
    not_: PostWhere | None = strawberry.field(default=None, name="NOT")
    slug: StringFilter | None = None
    title: StringFilter | None = None
    excerpt: StringFilter | None = None
    published_at: DateTimeFilter | None = None
    author: AuthorWhere | None = None
    tags: PostTagsWhere | None = None


def _columns(where: Any, table: Any, names: tuple[str, ...]) -> list[ColumnElement[bool]]:
    conditions = []
    for name in names:
        condition = getattr(where, name)
        if condition is not None:
            conditions += field_condition(getattr(table, name), condition)
    return conditions


def _tag_condition(where: TagWhere) -> ColumnElement[bool]:
    return and_(true(), *_columns(where, Tag, ("slug", "name")))


def _tags_condition(where: PostTagsWhere) -> list[ColumnElement[bool]]:
    def matching(tag_where: TagWhere) -> Any:
        joined = select(PostTag.post_id).join(Tag, Tag.id == PostTag.tag_id)
        return exists(joined.where(PostTag.post_id == Post.id, _tag_condition(tag_where)))

    conditions = []
    if where.some is not None:
        conditions.append(matching(where.some))
    if where.none is not None:
        conditions.append(not_(matching(where.none)))
    if where.every is not None:
        failing = select(PostTag.post_id).join(Tag, Tag.id == PostTag.tag_id)
        failing = failing.where(PostTag.post_id == Post.id, not_(_tag_condition(where.every)))
        conditions.append(not_(exists(failing)))
    return conditions


def post_condition(where: PostWhere | None) -> ColumnElement[bool]:
    """The SQL condition for a `PostWhere`."""
    if where is None:
        return true()
    conditions = _columns(where, Post, ("slug", "title", "excerpt", "published_at"))
    if where.author is not None:
        author = select(Author.id).where(*_columns(where.author, Author, ("slug", "name")))
        conditions.append(Post.author_id.in_(author))
    if where.tags is not None:
        conditions += _tags_condition(where.tags)
    conditions += [post_condition(part) for part in where.and_ or ()]
    if where.or_:
        conditions.append(or_(*(post_condition(part) for part in where.or_)))
    if where.not_ is not None:
        conditions.append(not_(post_condition(where.not_)))
    return and_(true(), *conditions)
