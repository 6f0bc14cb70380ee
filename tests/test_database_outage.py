"""PostgreSQL out of reach for 10 s under a mixed load: each request is answered 503 with a
code, fast, and service resumes by itself when the database is back.

A real `masthead serve --workers 2` in development mode (where messages are not masked)
reaches PostgreSQL through a TCP forwarder that the test cuts; the machine's server keeps
running.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import pytest
from sqlalchemy.engine import make_url

from soak.load import LoadRun, Mix, run_load
from soak.server import Server
from soak.session import Answer
from soak.store import prepare
from soak.verify import verify
from tests import backends
from tests.forwarder import Forwarder
from tests.stores import empty_store

OUTAGE_SECONDS = 10.0
FAST_SECONDS = 5.0  # far below the request deadline (10 s): no request waits for a database
WRITES_BETWEEN = 30  # acknowledged writes before the outage, and again after it
DEADLINE = 120.0
# What a driver's or database's message would give away.
LEAKS = ("select", "insert", "sqlite", "asyncpg", "traceback", "[sql", "background on this error")

pytestmark = pytest.mark.skipif(
    backends.BACKEND != "postgresql", reason="cuts a connection to PostgreSQL"
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[str]:
    with empty_store(tmp_path) as url:
        yield url


@dataclass
class Timeline:
    """Every answer with when its request started and ended, and when the outage was."""

    answers: list[tuple[float, float, str, Answer]] = field(default_factory=list)
    down: float = float("inf")
    up: float = float("inf")

    def observe(self, kind: str, answer: Answer, seconds: float) -> None:
        ended = time.perf_counter()
        self.answers.append((ended - seconds, ended, kind, answer))

    def during(self) -> list[tuple[float, Answer]]:
        """Requests sent and answered while the database was out of reach: their time, answer."""
        return [(end - start, answer) for start, end, _kind, answer in self.answers
                if start >= self.down and end <= self.up]  # fmt: skip

    def after(self) -> list[Answer]:
        """Requests sent once the database was back."""
        return [answer for start, _end, _kind, answer in self.answers if start >= self.up]


def _problem(answer: Answer) -> str | None:
    """What is wrong with an answer in any phase: none, not GraphQL, a 500, an error's leak."""
    if answer.status is None or answer.body is None:
        return f"{answer.status}: {answer.failure}"
    errors = orjson.dumps(answer.body.get("errors") or []).decode().lower()
    leaks = [leak for leak in LEAKS if leak in errors]
    if (answer.status >= 500 and answer.status != 503) or leaks:
        return f"{answer.status} {errors[:300]}"
    return None


def _not_unavailable(answer: Answer) -> str | None:
    """What makes an answer during the outage other than a 503 with its code."""
    errors = (answer.body or {}).get("errors") or [{}]
    code = (errors[0].get("extensions") or {}).get("code")
    if answer.status != 503 or code != "SERVICE_UNAVAILABLE":
        return f"{answer.status} {code}"
    return None


async def _until(load: asyncio.Task[None], run: LoadRun, writes: int) -> None:
    waiting = asyncio.ensure_future(run.journal.until_writes(writes))
    done, _ = await asyncio.wait({load, waiting}, timeout=DEADLINE, return_when="FIRST_COMPLETED")
    waiting.cancel()
    assert waiting in done, f"not {writes} acknowledged writes: {run.tally.kinds}"


async def _outage(
    forwarder: Forwarder, timeline: Timeline, load: asyncio.Task[None], run: LoadRun
) -> None:
    await _until(load, run, WRITES_BETWEEN)
    timeline.down = time.perf_counter()
    await forwarder.stop()
    await asyncio.sleep(OUTAGE_SECONDS)  # the outage itself: clients keep sending meanwhile
    await forwarder.start()
    timeline.up = time.perf_counter()
    await _until(load, run, run.journal.writes + WRITES_BETWEEN)


async def test_an_outage_under_load_answers_503_with_a_code_to_every_request_and_ends_by_itself(
    store: str, tmp_path: Path
) -> None:
    headers = await prepare(store, posts=20)
    database = make_url(store)
    forwarder = Forwarder(database.host or "127.0.0.1", database.port or 5432)
    await forwarder.start()
    forwarded = database.set(host="127.0.0.1", port=forwarder.port)
    server = Server(forwarded.render_as_string(hide_password=False), workers=2,
                    directory=tmp_path, environment={"MASTHEAD_ENV": "development"})  # fmt: skip
    timeline, stop = Timeline(), asyncio.Event()
    run = LoadRun(observe=timeline.observe)
    server.start()
    try:
        await server.ready()
        load = asyncio.create_task(run_load(server.base_url, headers, Mix(clients=16), stop, run))
        await _outage(forwarder, timeline, load, run)
        stop.set()
        await load
    finally:
        await server.stop()
        await forwarder.stop()
    during = timeline.during()
    verdict = await verify(store, run.journal)

    assert [problem for each in timeline.answers if (problem := _problem(each[3]))] == []
    assert len(during) > 16
    assert [problem for _seconds, each in during if (problem := _not_unavailable(each))] == []
    assert max(seconds for seconds, _answer in during) < FAST_SECONDS
    assert [answer.failure for answer in timeline.after() if answer.failure] == []
    assert verdict.missing == []
