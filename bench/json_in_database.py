"""`python -m bench.json_in_database`: pages answered by one statement that builds their JSON.

Bench-only code: the measurement behind a design choice. A planner may run a document as
a few statements whose rows Python shapes into the answer (Masthead's way), or as one
statement that builds the whole JSON answer in the database with its JSON functions (as
Hasura and PostGraphile do). This measures, in process and one request at a time, the
CPU time per page of the home page, the tag archive and the authors index, for:

- the floor's handler: its statements, a dictionary per row, `orjson.dumps`;
- one statement whose only value is the answer's text, built by SQLite's JSON functions
  (the SQL a planner would write for the page's document; SQLite has no base64, so a
  cursor's is a function registered on the connection, one Python call per cursor);
- the floor's and Masthead's apps, each through its own ASGI app (`httpx`'s transport),
  for what the HTTP side and GraphQL execution add.

Each statement's answer is checked byte for byte against Masthead's before anything is
timed. The least time per request over `--rounds` rounds is printed as JSON, per page.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench.cpu import cpu_ms, executed_in_process, rounds_parser
from bench.floor import create_app as create_floor_app
from bench.floor_queries import Handler, authors_index, home, tag_archive
from bench.floor_sql import POST_ORDER, visible
from bench.queries import load_examples, request_body
from bench.shapes import MEDIA_BASE_URL, b64url, sqlite_now

JSON = {"Content-Type": "application/json"}
# `isoformat()` of a stored timestamp: microseconds only when not zero, always UTC; in a
# cursor the same time ends in `Z` (orjson's `OPT_UTC_Z`).
_CLOCK = """substr({c}, 1, 10) || 'T' || CASE WHEN substr({c}, 20, 7) IN ('', '.000000')
    THEN substr({c}, 12, 8) ELSE substr({c}, 12, 15) END"""
_ISO = f"({_CLOCK} || '+00:00')"
_CURSOR_TIME = f"({_CLOCK} || 'Z')"


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


# The tag archive: the tag, its count and its first page with cursors, the page read once
# (`b64url` is the function `connect` registers: base64url without padding, Masthead's
# cursor encoding).
_TAG_CURSOR = (
    "b64url(json_array('PUBLISHED_AT_DESC', "
    f"json_array({_CURSOR_TIME.format(c='p.published_at')}, p.id)))"
)
TAG_JSON_SQL = f"""
WITH tg AS (SELECT id, name, description FROM tags WHERE slug = :slug),
page AS MATERIALIZED (
  SELECT p.id, p.title, p.slug, p.published_at, row_number() OVER ({POST_ORDER}) AS n
  FROM post_tags pt JOIN posts p ON p.id = pt.post_id
  WHERE pt.tag_id = (SELECT id FROM tg) AND {visible()} {POST_ORDER} LIMIT :first + 1)
SELECT json_object('data', json_object('tag', json((
  SELECT json_object('name', tg.name, 'description', tg.description, 'posts', json_object(
    'totalCount', (SELECT count(*) FROM post_tags pt CROSS JOIN posts p ON p.id = pt.post_id
                   WHERE pt.tag_id = tg.id AND {visible()}),
    'pageInfo', json_object(
      'hasNextPage', json(CASE WHEN (SELECT max(n) FROM page) > :first
                          THEN 'true' ELSE 'false' END),
      'endCursor', (SELECT {_TAG_CURSOR} FROM page AS p
                    WHERE p.n <= :first ORDER BY p.n DESC LIMIT 1)),
    'edges', json(coalesce((SELECT json_group_array(json(edge)) FROM (
      SELECT json_object('cursor', {_TAG_CURSOR}, 'node', json_object(
        'title', p.title, 'slug', p.slug, 'publishedAt', {_ISO.format(c="p.published_at")}
      )) AS edge FROM page AS p WHERE p.n <= :first ORDER BY p.n)), '[]'))))
  FROM tg))))
"""  # noqa: S608 (constant fragments only)

# The authors index: authors by name, each with its count and latest posts with tags.
AUTHORS_JSON_SQL = f"""
SELECT json_object('data', json_object('authors', json_object('nodes', json(coalesce(
  (SELECT json_group_array(json(node)) FROM (
    SELECT json_object(
      'name', a.name, 'slug', a.slug,
      'postCount', (SELECT count(*) FROM posts p WHERE p.author_id = a.id AND {visible()}),
      'posts', json_object('nodes', json(coalesce((SELECT json_group_array(json(post)) FROM (
        SELECT json_object('title', p.title, 'slug', p.slug, 'tags', json((
          SELECT json_group_array(json_object('name', t.name)) FROM (
            SELECT t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
            WHERE pt.post_id = p.id ORDER BY pt.position) AS t))) AS post
        FROM posts p WHERE p.author_id = a.id AND {visible()}
        {POST_ORDER} LIMIT :per_author)), '[]')))
    ) AS node
    FROM authors a ORDER BY a.name, a.id LIMIT :first)),
  '[]')))))
"""  # noqa: S608 (constant fragments only)

# Per example page: its statement, the statement's parameters besides `now`, the floor's
# handler of the same page.
PAGES: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]], Handler]] = {
    "home": (HOME_JSON_SQL, lambda v: {"first": v["first"]}, home),
    "tag": (TAG_JSON_SQL, lambda v: {"slug": v["slug"], "first": v["first"]}, tag_archive),
    "authors": (
        AUTHORS_JSON_SQL,
        lambda v: {"first": v["first"], "per_author": 5},
        authors_index,
    ),
}


def connect(database: Path | str) -> sqlite3.Connection:
    """A read-only connection with the functions the statements above call."""
    connection = sqlite3.connect(database, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    connection.create_function("b64url", 1, lambda text: b64url(text.encode()), deterministic=True)
    connection.execute("PRAGMA query_only = ON")
    return connection


def page_json(connection: sqlite3.Connection, name: str, variables: dict[str, Any]) -> bytes:
    """The `{"data": ...}` answer to example `name`, built by its one statement."""
    statement, parameters, _floor = PAGES[name]
    found = connection.execute(statement, {"now": sqlite_now(), **parameters(variables)})
    text: str = found.fetchone()[0]
    return text.encode()


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


async def _measure(arguments: argparse.Namespace, database: Path) -> dict[str, dict[str, float]]:
    from masthead.server import create_app  # noqa: PLC0415 - after the environment is set

    examples = {each.name: each for each in load_examples() if each.name in PAGES}
    connection = connect(database)
    least: dict[str, dict[str, float]] = {name: {} for name in examples}
    app = create_app()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for name, example in examples.items():
                body = request_body(example)
                answer = await client.post("/graphql", content=body, headers=JSON)
                floor_answer = orjson.dumps({"data": PAGES[name][2](connection, example.variables)})
                # Masthead's answer goes on with its `extensions` (the cost) after `data`.
                statement_answer = page_json(connection, name, example.variables)
                for path, text in (("statement", statement_answer), ("floor", floor_answer)):
                    if not answer.content.startswith(text[:-1] + b',"extensions":'):
                        msg = f"{name}: the {path}'s answer differs from Masthead's: {text[:200]!r}"
                        raise SystemExit(msg)
                least[name]["masthead app"] = await _least_http_ms(
                    client, "/graphql", body, arguments.requests, arguments.rounds
                )
    floor_transport = httpx.ASGITransport(app=create_floor_app(database))
    async with httpx.AsyncClient(transport=floor_transport, base_url="http://bench") as client:
        for name, example in examples.items():
            least[name]["floor app"] = await _least_http_ms(
                client,
                f"/graphql?q={name}",
                request_body(example),
                arguments.requests,
                arguments.rounds,
            )
    for name, example in examples.items():
        variables, handler = example.variables, PAGES[name][2]
        least[name]["floor handler"] = _least_ms(
            lambda: orjson.dumps({"data": handler(connection, variables)}),  # noqa: B023
            arguments.requests,
            arguments.rounds,
        )
        least[name]["one JSON statement"] = _least_ms(
            lambda: page_json(connection, name, variables),  # noqa: B023
            arguments.requests,
            arguments.rounds,
        )
    return least


def main(argv: list[str] | None = None) -> int:
    """Print the least CPU milliseconds per page of each path, as JSON (a line per page)."""
    arguments = _parse(sys.argv[1:] if argv is None else argv)
    least = asyncio.run(_measure(arguments, executed_in_process(arguments.posts)))
    for name, paths in least.items():
        order = ("floor handler", "one JSON statement", "floor app", "masthead app")
        print(
            orjson.dumps({"page": name} | {path: round(paths[path], 3) for path in order}).decode()
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
