"""The "naive" baseline: a small Strawberry schema with plain resolvers over the same tables.

Bench-only code. It answers the example documents the way a tutorial would: an ORM query
for each relation of each parent, no DataLoaders, no look-ahead.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from bench.naive_entries import Author, Post, Tag, author_connection, post_connection
from bench.naive_filters import PostWhere, post_condition
from bench.naive_types import Connection, Info, NaiveContext, visible_posts
from bench.servers import serve_baseline
from masthead import models


@strawberry.type
class Query:
    """The root queries the example documents use."""

    @strawberry.field
    async def posts(
        self, info: Info, first: int = 20, after: str | None = None, where: PostWhere | None = None
    ) -> Connection[Post]:
        """Visible posts, newest first."""
        return await post_connection(info, [post_condition(where)], first, after)

    @strawberry.field
    async def post(self, info: Info, slug: str) -> Post | None:
        """One visible post by slug."""
        query = select(models.Post).where(visible_posts(info.context.now), models.Post.slug == slug)
        found = await info.context.one(query)
        return None if found is None else Post.from_model(found)

    @strawberry.field
    async def tag(self, info: Info, slug: str) -> Tag | None:
        """One tag by slug."""
        found = await info.context.one(select(models.Tag).where(models.Tag.slug == slug))
        return None if found is None else Tag.from_model(found)

    @strawberry.field
    async def author(self, info: Info, slug: str) -> Author | None:
        """One author by slug."""
        found = await info.context.one(select(models.Author).where(models.Author.slug == slug))
        return None if found is None else Author.from_model(found)

    @strawberry.field
    async def authors(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> Connection[Author]:
        """Authors by name."""
        return await author_connection(info, first, after)


class NaiveView(GraphQL[NaiveContext, None]):
    """Strawberry's ASGI view with a session factory and a clock per request."""

    def __init__(self, schema: strawberry.Schema, sessions: async_sessionmaker) -> None:  # type: ignore[type-arg]
        super().__init__(schema, graphql_ide=None)
        self.sessions = sessions

    async def get_context(
        self,
        request: Request | WebSocket,
        response: Response | WebSocket,
    ) -> NaiveContext:
        """The request's context."""
        return NaiveContext(self.sessions, datetime.now(UTC))


def create_app(path: Path) -> Starlette:
    """The naive app: `/graphql` and `/healthz`."""
    engine = create_async_engine(
        f"sqlite+aiosqlite:///{path.resolve()}", pool_size=20, max_overflow=20
    )
    view = NaiveView(strawberry.Schema(query=Query), async_sessionmaker(engine))

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[Route("/graphql", view, methods=["GET", "POST"]), Route("/healthz", healthz)]
    )


def main() -> None:
    """Serve the naive baseline."""
    serve_baseline(create_app, __doc__)


if __name__ == "__main__":
    main()
