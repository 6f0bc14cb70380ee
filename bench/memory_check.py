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
        """The samples after the warm-up (all of them on a run too short for one)."""
        later = after_warm_up(list(self.samples), WARM_UP_SECONDS)
        return later if len(later) >= 3 else list(self.samples)

    @property
    def slope(self) -> float | None:
        """MB a minute after the warm-up; None with too few samples."""
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
    measured = result.measured
    slope = result.slope
    verdict = "met" if result.flat else "missed"
    if result.errors:
        verdict += (
            f" ({result.errors:,} of {result.requests:,} requests failed: see the server log)"
        )
    slope_text = "-" if slope is None else f"{slope:+.2f} MB/min"
    return (
        f"**Memory over {result.minutes:g} minutes** (SQLite, 1 worker, executed, the six "
        f"queries in turn, {SAMPLE_SECONDS:g} s each, {result.requests:,} requests): resident "
        f"memory {measured[0].megabytes:.0f} MB at {measured[0].seconds:.0f} s, "
        f"{measured[-1].megabytes:.0f} MB at the end ({measured[-1].seconds:.0f} s); slope "
        f"{slope_text} after the first minute. Target flat (< {FLAT_MB_PER_MINUTE:g} MB/min): "
        f"**{verdict}**."
    )
