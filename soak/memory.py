"""Resident memory of a server's processes, sampled from /proc, and its slope by least squares."""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
MEGABYTE = 2**20
SAMPLE_SECONDS = 1.0
MIN_SAMPLES = 3


@dataclass(frozen=True)
class Sample:
    """Resident memory of every process of the server, seconds after sampling began."""

    seconds: float
    megabytes: float


def session_members(leader: int) -> list[int]:
    """The processes of the session `leader` started: the server and every worker."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # it ended while we looked
            continue
        fields = stat.rpartition(")")[2].split()  # after the command name, which may hold spaces
        if int(fields[3]) == leader:
            members.append(int(entry.name))
    return members


def resident_megabytes(pids: list[int]) -> float:
    """The sum of the processes' resident memory."""
    pages = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            pages += int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    return pages * PAGE_BYTES / MEGABYTE


async def sample_memory(leader: int, stop: asyncio.Event, samples: list[Sample]) -> None:
    """Append a sample every second until `stop` is set."""
    started = time.monotonic()
    while not stop.is_set():
        megabytes = resident_megabytes(session_members(leader))
        samples.append(Sample(time.monotonic() - started, megabytes))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), SAMPLE_SECONDS)


def after_warm_up(samples: list[Sample], warm_up: float) -> list[Sample]:
    """The samples taken once the warm-up was over."""
    return [sample for sample in samples if sample.seconds >= warm_up]


def slope_per_minute(samples: list[Sample]) -> float | None:
    """Least-squares slope in MB a minute; None with too few samples to fit."""
    if len(samples) < MIN_SAMPLES:
        return None
    minutes = [sample.seconds / 60 for sample in samples]
    megabytes = [sample.megabytes for sample in samples]
    return statistics.linear_regression(minutes, megabytes).slope
