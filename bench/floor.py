"""The "floor" baseline: each example query answered by hand-written SQL and orjson, no GraphQL.

Bench-only code. `POST /graphql?q=<example>` reads the GraphQL variables from the body and
answers with the JSON Masthead gives for that example, from one or a few SQL statements.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bench.floor_post import post_page
from bench.floor_queries import Handler, authors_index, filtered, home, tag_archive
from bench.floor_search import search
from bench.servers import serve_baseline

HANDLERS: dict[str, Handler] = {
    "home": home,
    "post": post_page,
    "tag": tag_archive,
    "authors": authors_index,
    "filtered": filtered,
    "search": search,
}


class Database:
    """One read-only SQLite connection per worker thread (SQLite releases the GIL)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    def connection(self) -> sqlite3.Connection:
        """The calling thread's connection, opened on first use."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, check_same_thread=False)
            connection.execute("PRAGMA query_only = ON")
            connection.row_factory = sqlite3.Row
            self._local.connection = connection
        return connection


def create_app(path: Path) -> Starlette:
    """The floor's app: `POST /graphql?q=<example>` and `GET /healthz`."""
    database = Database(path)
    # Off the event loop, one worker per core: measured faster than anyio's larger pool.
    executor = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="floor")

    def answer(name: str, variables: dict[str, Any]) -> bytes:
        data = HANDLERS[name](database.connection(), variables)
        return orjson.dumps({"data": data})

    async def graphql(request: Request) -> Response:
        name = request.query_params.get("q", "")
        if name not in HANDLERS:
            return JSONResponse({"errors": [{"message": f"unknown example {name!r}"}]}, 400)
        variables = orjson.loads(await request.body()).get("variables") or {}
        body = await asyncio.get_running_loop().run_in_executor(executor, answer, name, variables)
        return Response(body, media_type="application/json")

    async def healthz(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    routes = [Route("/graphql", graphql, methods=["POST"]), Route("/healthz", healthz)]
    return Starlette(routes=routes)


def main() -> None:
    """Serve the floor baseline."""
    serve_baseline(create_app, __doc__)


if __name__ == "__main__":
    main()
