"""`python -m bench.json_in_database`: the home page answered by one statement that builds its JSON.

Bench-only code: the measurement behind a design choice. A planner may run a document as
a few statements whose rows Python shapes into the answer (Masthead's way), or as one
statement that builds the whole JSON answer in the database with its JSON functions (as
Hasura and PostGraphile do). This measures, in process and one request at a time, the
CPU time per home page of:

- the floor's handler: one statement, a dictionary per post, `orjson.dumps`;
- one statement whose only value is the answer's text, built by SQLite's JSON functions
  (the SQL a planner would write for the home page's document);
- the floor's and Masthead's apps, each through its own ASGI app (`httpx`'s transport),
  for what the HTTP side and GraphQL execution add.

The statement's answer is checked byte for byte against Masthead's before anything is
timed. The least time per request over `--rounds` rounds is printed as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import orjson

from bench.cpu import cpu_ms, executed_in_process, rounds_parser
from bench.floor import create_app as create_floor_app
from bench.floor_queries import home
from bench.floor_sql import visible
from bench.queries import load_examples, request_body
from bench.shapes import MEDIA_BASE_URL, sqlite_now

JSON = {"Content-Type": "application/json"}
# `isoformat()` of a stored timestamp: microseconds only when not zero, always UTC.
_ISO = """(substr({c}, 1, 10) || 'T' || CASE WHEN substr({c}, 20, 7) IN ('', '.000000')
    THEN substr({c}, 12, 8) ELSE substr({c}, 12, 15) END || '+00:00')"""


def _asset(alias: str, *fields: str) -> str:
    pairs = "".join(f", '{field}', {alias}.{field}" for field in fields)
    url = f"'{MEDIA_BASE_URL}/' || {alias}.filename"
    return f"CASE WHEN {alias}.id IS NULL THEN NULL ELSE json_object('url', {url}{pairs}) END"


HOME_JSON_SQL = f"""
SELECT json_object('data', json_object('posts', json_object('nodes', json(coalesce(
  (SELECT json_group_array(json(node)) FROM (
    SELECT json_object(
      'title', p.title, 'slug', p.slug, 'excerpt', p.excerpt,
      'publishedAt', {_ISO.format(c="p.published_at")},
      'author', json_object('name', a.name, 'avatar', json({_asset("avatar")})),
      'tags', json((SELECT json_group_array(json_object('name', t.name)) FROM (
          SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
          WHERE pt.post_id = p.id ORDER BY pt.position) AS t)),
      'coverImage', json({_asset("cover", "width", "height")})
    ) AS node
    FROM posts p
    JOIN authors a ON a.id = p.author_id
    LEFT JOIN assets avatar ON avatar.id = a.avatar_id
    LEFT JOIN assets cover ON cover.id = p.cover_image_id
    WHERE {visible()} ORDER BY p.published_at DESC, p.id DESC LIMIT :first)),
  '[]')))))
"""  # noqa: S608 (constant fragments only)


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = rounds_parser(
        "python -m bench.json_in_database", __doc__, rounds=5, requests=200, per="path a round"
    )
    return parser.parse_args(argv)


def _least_ms(run: Callable[[], object], requests: int, rounds: int) -> float:
    least = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(requests):
            run()
        least = min(least, (time.process_time() - started) / requests * 1000)
    return least


async def _least_http_ms(
    client: httpx.AsyncClient, url: str, body: bytes, requests: int, rounds: int
) -> float:
    return min([await cpu_ms(client, url, body, requests) for _ in range(rounds)])


async def _measure(arguments: argparse.Namespace, database: Path) -> dict[str, float]:
    from masthead.server import create_app  # noqa: PLC0415 - after the environment is set

    example = next(each for each in load_examples() if each.name == "home")
    body = request_body(example)
    connection = sqlite3.connect(database, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA query_only = ON")
    first = example.variables["first"]

    def in_database() -> bytes:
        parameters = {"now": sqlite_now(), "first": first}
        text: str = connection.execute(HOME_JSON_SQL, parameters).fetchone()[0]
        return text.encode()

    def floor() -> bytes:
        return orjson.dumps({"data": home(connection, example.variables)})

    app = create_app()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            answer = await client.post("/graphql", content=body, headers=JSON)
            # Masthead's answer goes on with its `extensions` (the cost) after `data`.
            for path, made in (("statement", in_database()), ("floor", floor())):
                if not answer.content.startswith(made[:-1] + b',"extensions":'):
                    msg = f"the {path}'s answer differs from Masthead's: {made[:200]!r}"
                    raise SystemExit(msg)
            masthead = await _least_http_ms(
                client, "/graphql", body, arguments.requests, arguments.rounds
            )
    floor_transport = httpx.ASGITransport(app=create_floor_app(database))
    async with httpx.AsyncClient(transport=floor_transport, base_url="http://bench") as client:
        floor_app = await _least_http_ms(
            client, "/graphql?q=home", body, arguments.requests, arguments.rounds
        )
    return {
        "floor handler": _least_ms(floor, arguments.requests, arguments.rounds),
        "one JSON statement": _least_ms(in_database, arguments.requests, arguments.rounds),
        "floor app": floor_app,
        "masthead app": masthead,
    }


def main(argv: list[str] | None = None) -> int:
    """Print the least CPU milliseconds per home page of each path, as JSON."""
    arguments = _parse(sys.argv[1:] if argv is None else argv)
    least = asyncio.run(_measure(arguments, executed_in_process(arguments.posts)))
    print(orjson.dumps({name: round(ms, 3) for name, ms in least.items()}).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
