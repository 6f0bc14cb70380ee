"""The "floor" baseline on PostgreSQL: hand-written SQL (asyncpg) and orjson, no GraphQL.

Bench only. The same answers as `bench.floor`, from the same shaping of rows.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Any

import asyncpg
import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bench import floor_pg_sql as sql
from bench.floor_post import seo, teasers
from bench.floor_queries import archive_edge, author_node
from bench.floor_search import search_node
from bench.floor_sql import asset, like_pattern, tags_of
from bench.shapes import iso_timestamp
from masthead.resolvers.search_text import FIELD_SEPARATOR, search_terms, snippet_html, tsquery_text

Connection = Any  # an asyncpg connection from the pool
Handler = Callable[[Connection, dict[str, Any]], Awaitable[dict[str, Any]]]


async def home(db: Connection, variables: dict[str, Any]) -> dict[str, Any]:
    """The latest posts with author, avatar, tag names and cover image: one statement."""
    rows = await db.fetch(sql.HOME.text, *sql.HOME.args(first=variables.get("first", 20)))
    nodes = [
        {
            "title": row["title"], "slug": row["slug"], "excerpt": row["excerpt"],
            "publishedAt": iso_timestamp(row["published_at"]),
            "author": {"name": row["author"], "avatar": asset(row["avatar"])},
            "tags": tags_of(row),
            "coverImage": asset(row["cover"], width=row["width"], height=row["height"]),
        }
        for row in rows
    ]  # fmt: skip
    return {"posts": {"nodes": nodes}}


async def tag_archive(db: Connection, variables: dict[str, Any]) -> dict[str, Any]:
    """One tag, a page of its posts with cursors, total count: two statements."""
    first = variables.get("first", 50)
    tag = await db.fetchrow(sql.TAG.text, *sql.TAG.args(slug=variables["slug"]))
    if tag is None:
        return {"tag": None}
    rows = await db.fetch(sql.TAG_POSTS.text, *sql.TAG_POSTS.args(tag=tag["id"], first=first))
    edges = [archive_edge(row) for row in rows]
    page_info = {
        "hasNextPage": len(edges) > first,
        "endCursor": edges[:first][-1]["cursor"] if edges else None,
    }
    posts = {"totalCount": tag["total"], "pageInfo": page_info, "edges": edges[:first]}
    return {"tag": {"name": tag["name"], "description": tag["description"], "posts": posts}}


async def authors_index(db: Connection, variables: dict[str, Any]) -> dict[str, Any]:
    """Authors by name with post counts and latest posts: two statements."""
    authors = await db.fetch(sql.AUTHORS.text, *sql.AUTHORS.args(first=variables.get("first", 50)))
    nodes = {row["id"]: author_node(row) for row in authors}
    arguments = sql.AUTHORS_POSTS.args(authors=list(nodes), per_author=5)
    for row in await db.fetch(sql.AUTHORS_POSTS.text, *arguments):
        nodes[row["author_id"]]["posts"]["nodes"].append(
            {"title": row["title"], "slug": row["slug"], "tags": tags_of(row)}
        )
    return {"authors": {"nodes": list(nodes.values())}}


async def filtered(db: Connection, variables: dict[str, Any]) -> dict[str, Any]:
    """Posts with two tags in a date range whose title contains a word: one statement."""
    arguments = sql.FILTERED.args(
        first_tag=variables["tagA"], second_tag=variables["tagB"],
        since=datetime.fromisoformat(variables["from"]),
        until=datetime.fromisoformat(variables["to"]),
        pattern=like_pattern(variables["word"]), first=variables.get("first", 20),
    )  # fmt: skip
    rows = await db.fetch(sql.FILTERED.text, *arguments)
    nodes = [
        {"title": row["title"], "slug": row["slug"],
         "publishedAt": iso_timestamp(row["published_at"]), "tags": tags_of(row)}
        for row in rows
    ]  # fmt: skip
    return {"posts": {"totalCount": rows[0]["total"] if rows else 0, "nodes": nodes}}


async def post_page(db: Connection, variables: dict[str, Any]) -> dict[str, Any]:
    """A post with its author, the author's latest posts, tags, related, SEO: 3 statements."""
    first = variables.get("first", 3)
    row = await db.fetchrow(sql.POST.text, *sql.POST.args(slug=variables["slug"]))
    if row is None:
        return {"post": None}
    arguments = sql.AUTHOR_POSTS.args(author=row["author_id"], slug=row["slug"], first=first)
    latest = await db.fetch(sql.AUTHOR_POSTS.text, *arguments)
    arguments = sql.RELATED.args(post=row["id"], group=row["translation_group"], first=first)
    related = await db.fetch(sql.RELATED.text, *arguments)
    author = {"name": row["author"], "bio": row["bio"], "posts": {"nodes": teasers(latest)}}
    post = {
        "title": row["title"], "publishedAt": iso_timestamp(row["published_at"]),
        "readingTimeMinutes": row["reading_time_minutes"], "body": row["body_html"],
        "author": author, "tags": tags_of(row), "related": teasers(related), "seo": seo(row),
    }  # fmt: skip
    return {"post": post}


async def search(db: Connection, variables: dict[str, Any]) -> dict[str, Any]:
    """Ranked visible hits with highlighted snippets and a total count: one statement."""
    terms = search_terms(variables["query"])
    if not terms:
        return {"search": {"totalCount": 0, "edges": []}}
    arguments = sql.SEARCH.args(
        match=tsquery_text(terms), first=variables.get("first", 20), separator=FIELD_SEPARATOR
    )
    rows = await db.fetch(sql.SEARCH.text, *arguments)
    edges = [{"snippet": snippet_html(row["document"], terms), "node": search_node(row)}
             for row in rows]  # fmt: skip
    return {"search": {"totalCount": rows[0]["total"] if rows else 0, "edges": edges}}


HANDLERS: dict[str, Handler] = {
    "home": home, "post": post_page, "tag": tag_archive, "authors": authors_index,
    "filtered": filtered, "search": search,
}  # fmt: skip


def create_app(url: str, pool_size: int = 10) -> Starlette:
    """The floor's app on PostgreSQL: `POST /graphql?q=<example>` and `GET /healthz`."""
    pools: list[asyncpg.Pool] = []

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
        pools.append(await asyncpg.create_pool(dsn, min_size=1, max_size=pool_size))
        yield
        await pools[0].close()

    async def graphql(request: Request) -> Response:
        name = request.query_params.get("q", "")
        if name not in HANDLERS:
            return JSONResponse({"errors": [{"message": f"unknown example {name!r}"}]}, 400)
        variables = orjson.loads(await request.body()).get("variables") or {}
        async with pools[0].acquire() as connection:
            data = await HANDLERS[name](connection, variables)
        return Response(orjson.dumps({"data": data}), media_type="application/json")

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    routes = [Route("/graphql", graphql, methods=["POST"]), Route("/healthz", healthz)]
    return Starlette(routes=routes, lifespan=lifespan)


def main() -> None:
    """Serve the floor baseline on a PostgreSQL database."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of the database")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(create_app(args.url), host="127.0.0.1", port=args.port, access_log=False,
                log_level="warning")  # fmt: skip


if __name__ == "__main__":
    main()
