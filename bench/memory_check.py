"""The memory check: the six examples in turn, executed, for minutes, memory read each turn.

One Masthead process on SQLite with its response cache off takes the examples in turn,
`SAMPLE_SECONDS` of load each (the load's clients and generator), and the resident
memory of its processes is read after each turn. The first minute is the warm-up (caches
fill, the allocator settles); the slope is fitted by least squares over the rest.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, replace

from bench.load import Load, run_load
from bench.matrix import masthead
from bench.measure import body_file_of
from bench.procstat import resident_mb
from bench.queries import Example
from soak.memory import Sample, after_warm_up, slope_per_minute

SAMPLE_SECONDS = 10.0
WARM_UP_SECONDS = 60.0
FLAT_MB_PER_MINUTE = 1.0  # the target: a slope below this is "flat"
MEMORY = "memory"


@dataclass(frozen=True)
class MemoryResult:
    """Resident memory samples over the run, and the requests it answered."""

    minutes: float
    samples: tuple[Sample, ...]
    requests: int
    errors: int

    @property
    def measured(self) -> list[Sample]:
        """The samples after the warm-up."""
        return after_warm_up(list(self.samples), WARM_UP_SECONDS)

    @property
    def slope(self) -> float | None:
        """MB a minute after the warm-up; None when too few samples were taken after it."""
        return slope_per_minute(self.measured)

    @property
    def flat(self) -> bool:
        """Whether the target is met: a slope below the bound, every request answered."""
        slope = self.slope
        return not self.errors and slope is not None and slope < FLAT_MB_PER_MINUTE


def _turns(examples: list[Example], load: Load, leader: int, base: str, minutes: float) -> (
    MemoryResult
):  # fmt: skip
    samples = [Sample(0.0, resident_mb(leader))]
    requests = errors = 0
    turn = replace(load, duration=SAMPLE_SECONDS)
    started = time.monotonic()
    for example in itertools.cycle(examples):
        if time.monotonic() - started >= minutes * 60:
            break
        result = run_load(f"{base}/graphql", body_file_of(example), turn)
        requests, errors = requests + result.requests, errors + result.errors
        samples.append(Sample(time.monotonic() - started, resident_mb(leader)))
        print(f"  {samples[-1].seconds:5.0f} s  {samples[-1].megabytes:6.1f} MB  "
              f"{example.name}: {result.rps:.0f} rps", flush=True)  # fmt: skip
    return MemoryResult(minutes, tuple(samples), requests, errors)


def measure_memory(url: str, examples: list[Example], load: Load, minutes: float) -> (
    MemoryResult
):  # fmt: skip
    """Run the examples in turn, executed, on one process; resident memory every turn."""
    print(f"{MEMORY}: {minutes:g} min, SQLite, 1 worker, executed", flush=True)
    with masthead(url, 1, "executed") as server:
        return _turns(examples, load, server.pid, server.base_url, minutes)


def render_memory(result: MemoryResult) -> str:
    """The check's paragraph, with the target marked met or missed."""
    samples, slope = result.samples, result.slope
    if slope is None:
        verdict, trend = "not judged (too short: the first minute is warm-up)", ""
    else:
        verdict = "met" if result.flat else "missed"
        trend = f"; slope {slope:+.2f} MB/min after the first minute"
    if result.errors:
        verdict += (
            f" ({result.errors:,} of {result.requests:,} requests failed: see the server log)"
        )
    start = result.measured[0] if result.measured else samples[0]
    return (
        f"**Memory over {result.minutes:g} min** (SQLite, 1 worker, executed, the six queries in "
        f"turn, {SAMPLE_SECONDS:g} s each, {result.requests:,} requests): resident memory "
        f"{start.megabytes:.0f} MB at {start.seconds:.0f} s, {samples[-1].megabytes:.0f} MB at "
        f"the end ({samples[-1].seconds:.0f} s){trend}. Target flat "
        f"(< {FLAT_MB_PER_MINUTE:g} MB/min): **{verdict}**."
    )
