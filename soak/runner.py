"""One soak: seed a store, serve it, load it while sampling memory, then check the journal."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from soak.load import LoadRun, Mix, load_for
from soak.memory import Sample, sample_memory
from soak.server import serving
from soak.store import prepare
from soak.verify import Verdict, verify


@dataclass(frozen=True)
class Setup:
    """How one soak runs: backend, workers, load, how long, and how long memory warms up."""

    backend: str
    workers: int
    duration: float
    mix: Mix = field(default_factory=Mix)
    warm_up: float | None = None
    posts: int = 200

    @property
    def warm_up_seconds(self) -> float:
        """The warm-up: as given, or a quarter of the run up to a minute."""
        return self.warm_up if self.warm_up is not None else min(60.0, self.duration / 4)

    @property
    def name(self) -> str:
        """`sqlite, 2 workers`."""
        return f"{self.backend}, {self.workers} worker{'s' if self.workers > 1 else ''}"


@dataclass(frozen=True)
class Outcome:
    """What one soak measured and found."""

    setup: Setup
    load: LoadRun
    verdict: Verdict
    memory: list[Sample]
    logged: Counter[str]


async def soak(setup: Setup, url: str, directory: Path) -> Outcome:
    """Seed the empty store at `url`, serve it and run the load; the journal checked after."""
    headers = await prepare(url, setup.posts)
    samples: list[Sample] = []
    async with serving(url, workers=setup.workers, directory=directory) as server:
        sampled = asyncio.Event()
        sampler = asyncio.create_task(sample_memory(server.pid, sampled, samples))
        try:
            load = await load_for(server.base_url, headers, setup.mix, setup.duration)
        finally:
            sampled.set()
            await sampler
    verdict = await verify(url, load.journal)
    return Outcome(setup, load, verdict, samples, server.logged_errors())
