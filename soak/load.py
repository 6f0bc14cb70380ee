"""The mixed load: clients reading the six example queries and writing as an editor, until told."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from dataclasses import dataclass, field

from bench.queries import load_examples, request_body
from soak.documents import AUTHOR
from soak.journal import Journal
from soak.session import Observer, Session, Tally, http_client
from soak.writes import Editor, Pool, Writer


@dataclass(frozen=True)
class Mix:
    """How many clients, and which share of their requests are writes."""

    clients: int = 16
    write_share: float = 0.2
    seed: int = 1


@dataclass
class LoadRun:
    """What a load did: every request counted, every acknowledged write journaled."""

    tally: Tally = field(default_factory=Tally)
    journal: Journal = field(default_factory=Journal)
    seconds: float = 0.0
    observe: Observer | None = None


class LoadError(Exception):
    """The load cannot start: the server does not answer as expected."""


async def _author_id(session: Session, headers: dict[str, str]) -> str:
    answer = await session.operation("lookup", AUTHOR, {}, headers)
    authors = answer.field("authors")
    if not authors or not authors["nodes"]:
        msg = f"no author to write as: {answer.failure or 'the store has none'}"
        raise LoadError(msg)
    return str(authors["nodes"][0]["id"])


async def _client(
    index: int, session: Session, writer: Writer, mix: Mix, stop: asyncio.Event
) -> None:
    rng = random.Random(mix.seed * 1_000 + index)  # noqa: S311 - a reproducible mix, not secrets
    reads = [request_body(example) for example in load_examples()]
    while not stop.is_set():
        if rng.random() < mix.write_share:
            await writer.write(index, rng)
        else:
            await session.send("read", rng.choice(reads))


async def run_load(
    base_url: str, headers: dict[str, str], mix: Mix, stop: asyncio.Event, run: LoadRun
) -> None:
    """Run `mix.clients` clients against `base_url` until `stop` is set, counting into `run`.

    Requests in flight when `stop` is set are finished first. Every answer is also shown
    to `run.observe`, when set.
    """
    pool = Pool()
    async with http_client(base_url, mix.clients) as client:
        session = Session(client, run.tally, run.observe)
        editor = Editor(headers, await _author_id(session, headers), uuid.uuid4().hex[:6])
        started = time.perf_counter()
        await asyncio.gather(*(
            _client(index, session, Writer(session, editor, pool, run.journal), mix, stop)
            for index in range(mix.clients)
        ))  # fmt: skip
        run.seconds = time.perf_counter() - started


async def load_for(base_url: str, headers: dict[str, str], mix: Mix, seconds: float) -> LoadRun:
    """The load for a number of seconds."""
    stop = asyncio.Event()
    asyncio.get_running_loop().call_later(seconds, stop.set)
    run = LoadRun()
    await run_load(base_url, headers, mix, stop, run)
    return run
