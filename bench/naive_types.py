"""Shared parts of the naive baseline: context, assets, connections, SEO (bench only)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Generic, TypeVar

import strawberry
from sqlalchemy import ColumnElement, Select, and_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.shapes import DEFAULT_LOCALE, LIVE_STATUSES, global_id, media_url
from masthead import models

T = TypeVar("T")


@dataclass
class NaiveContext:
    """What every resolver shares: a session factory and the request's clock."""

    sessions: async_sessionmaker[AsyncSession]
    now: datetime

    async def all(self, statement: Select[Any]) -> list[Any]:
        """Run one query in its own session: the tutorial pattern."""
        async with self.sessions() as session:
            return list((await session.scalars(statement)).all())

    async def one(self, statement: Select[Any]) -> Any:
        """The first result of one query, or None."""
        async with self.sessions() as session:
            return (await session.scalars(statement)).first()


Info = strawberry.Info[NaiveContext, None]


def visible_posts(now: datetime) -> ColumnElement[bool]:
    """Published, or scheduled and due; default locale only."""
    post = models.Post
    return and_(
        post.status.in_(LIVE_STATUSES), post.published_at <= now, post.locale == DEFAULT_LOCALE
    )


@strawberry.enum(name="BodyFormat")
class BodyFormat(Enum):
    """How `body` is returned."""

    HTML = "HTML"
    MARKDOWN = "MARKDOWN"
    TEXT = "TEXT"


@strawberry.type
class Asset:
    """A media file."""

    id: strawberry.ID
    filename: str
    mime_type: str
    width: int | None
    height: int | None
    alt: str | None
    caption: str | None
    url: str

    @classmethod
    def from_model(cls, asset: models.Asset | None) -> Asset | None:
        """Copy the ORM object's fields."""
        if asset is None:
            return None
        return cls(
            id=strawberry.ID(global_id("Asset", asset.id)), filename=asset.filename,
            mime_type=asset.mime_type, width=asset.width, height=asset.height, alt=asset.alt,
            caption=asset.caption, url=media_url(asset.filename) or "",
        )  # fmt: skip


async def load_asset(info: Info, pk: int | None) -> Asset | None:
    """One query for one asset."""
    if pk is None:
        return None
    return Asset.from_model(
        await info.context.one(select(models.Asset).where(models.Asset.id == pk))
    )


@strawberry.type
class PageInfo:
    """Relay page info."""

    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    """A node and its cursor."""

    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    """A page of entries."""

    edges: list[Edge[T]]
    page_info: PageInfo
    count: strawberry.Private[Select[Any]]

    @strawberry.field
    def nodes(self) -> list[T]:
        """The page's entries."""
        return [edge.node for edge in self.edges]

    @strawberry.field
    async def total_count(self, info: Info) -> int:
        """One more query for the count."""
        return int(await info.context.one(self.count) or 0)


def connection(
    rows: list[Any], size: int, build: Callable[[Any], Any], key: Callable[[Any], str], count: Any
) -> Connection[Any]:
    """A connection over `size + 1` fetched rows (the extra one says there is more)."""
    edges = [Edge(cursor=key(row), node=build(row)) for row in rows[:size]]
    info = PageInfo(
        has_next_page=len(rows) > size, has_previous_page=False,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )  # fmt: skip
    return Connection(edges=edges, page_info=info, count=count)


@strawberry.type
class Seo:
    """SEO metadata with fallbacks."""

    title: str
    description: str | None
    canonical_url: str | None
    og_image_id: strawberry.Private[int | None]

    @strawberry.field
    async def og_image(self, info: Info) -> Asset | None:
        """One query."""
        return await load_asset(info, self.og_image_id)
