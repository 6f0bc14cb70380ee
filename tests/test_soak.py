"""The short soak: 16 clients for 20 s of mixed reads and writes against `masthead serve`.

Every property must hold; the latencies and the memory slope are printed, never asserted.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from soak.load import Mix
from soak.properties import failing
from soak.report import render
from soak.runner import Setup, soak
from tests import backends
from tests.stores import empty_store

SECONDS = 20.0


@pytest.fixture
def store(tmp_path: Path) -> Iterator[str]:
    with empty_store(tmp_path) as url:
        yield url


async def test_a_short_soak_answers_every_request_and_keeps_every_acknowledged_write(
    store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    setup = Setup(backends.BACKEND, workers=1, duration=SECONDS, mix=Mix(clients=16), warm_up=5)

    outcome = await soak(setup, store, tmp_path)

    report = render([outcome])
    with capsys.disabled():  # the numbers are for reading, in every run
        print(f"\n{report}")  # noqa: T201
    assert outcome.load.journal.writes > 0
    assert [found.name for found in failing(outcome)] == [], report
