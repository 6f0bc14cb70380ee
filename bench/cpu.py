"""`python -m bench.cpu`: CPU time per executed request, in process, for each example query.

No network and no concurrency: each example is sent `--requests` times in a row through
httpx's ASGI transport to the app with production settings, the response cache off and
the request log on, and the least CPU time per request over `--rounds` rounds is printed
as JSON. The least CPU time varies far less between runs than requests per second under
load on a shared machine: this is how a change's cost on the executed path is compared,
by running the same command on both versions (see bench/README.md).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

import httpx
import orjson

from bench.data import database_url, ensure_database, media_dir
from bench.queries import Example, load_examples, request_body

WARM_UP = 5


def rounds_parser(
    prog: str, description: str | None, *, rounds: int, requests: int, per: str
) -> argparse.ArgumentParser:
    """The options of an in-process measurement: posts, rounds, requests `per` a round."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--posts", type=int, default=20_000, help="posts in the database")
    parser.add_argument("--rounds", type=int, default=rounds, help="rounds; the least is kept")
    parser.add_argument("--requests", type=int, default=requests, help=f"requests per {per}")
    return parser


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = rounds_parser(
        "python -m bench.cpu", __doc__, rounds=3, requests=20, per="example a round"
    )
    return parser.parse_args(argv)


async def cpu_ms(client: httpx.AsyncClient, url: str, body: bytes, requests: int) -> float:
    """CPU milliseconds per request of `requests` POSTs of `body` in a row, each answered."""
    headers = {"Content-Type": "application/json"}
    started = time.process_time()
    for _ in range(requests):
        answer = await client.post(url, content=body, headers=headers)
        if answer.status_code != 200 or b'"errors"' in answer.content:
            msg = f"{url}: {answer.status_code} {answer.text[:200]}"
            raise SystemExit(msg)
    return (time.process_time() - started) / requests * 1000


async def _cpu_ms(client: httpx.AsyncClient, example: Example, requests: int) -> float:
    return await cpu_ms(client, "/graphql", request_body(example), requests)


async def _measure(arguments: argparse.Namespace) -> dict[str, float]:
    from masthead.server import create_app  # noqa: PLC0415 - after the environment is set

    app = create_app()
    least: dict[str, float] = {}
    examples = load_examples()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for example in examples:
                await _cpu_ms(client, example, WARM_UP)
            for _ in range(arguments.rounds):
                for example in examples:
                    spent = await _cpu_ms(client, example, arguments.requests)
                    least[example.name] = min(least.get(example.name, spent), spent)
    return least


def executed_in_process(posts: int) -> Path:
    """The bench database, and the environment of an app run in process on it.

    Production settings, the response cache off (every request runs), the rate limit
    charged but never spent. Set before the app's modules read their settings.
    """
    database = ensure_database(posts)
    os.environ |= {
        "MASTHEAD_ENV": "production",
        "MASTHEAD_DATABASE_URL": database_url(database),
        "MASTHEAD_MEDIA_DIR": str(media_dir(posts)),
        "MASTHEAD_RESPONSE_CACHE_ENTRIES": "0",
        "MASTHEAD_RATE_LIMIT_POINTS": str(10**15),  # charged, never spent
    }
    return database


def main(argv: list[str] | None = None) -> int:
    """Print the least CPU milliseconds per request of each example query, as JSON."""
    arguments = _parse(sys.argv[1:] if argv is None else argv)
    executed_in_process(arguments.posts)
    least = asyncio.run(_measure(arguments))
    print(orjson.dumps({name: round(ms, 2) for name, ms in least.items()}).decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
