"""The soak's tables in Markdown: the load and its latencies, then each property per run."""

from __future__ import annotations

from datetime import UTC, datetime

from bench.report import machine_line
from soak.memory import after_warm_up
from soak.properties import MEMORY_LIMIT, MEMORY_WINDOW, Property, properties
from soak.runner import Outcome
from soak.session import KindTally

LOAD_HEADER = (
    "| run | requests | rps | read p50 ms | read p99 ms | write p50 ms | write p99 ms "
    "| conflicts retried | memory MB | memory slope |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def percentile(latencies: list[float], fraction: float) -> float:
    """The latency below which `fraction` of them fall, in milliseconds (nearest rank)."""
    if not latencies:
        return 0.0
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


def _latencies(tally: KindTally | None) -> list[str]:
    values = tally.latencies if tally is not None else []
    return [f"{percentile(values, 0.50):.0f}", f"{percentile(values, 0.99):.0f}"]


def _memory_cell(outcome: Outcome) -> str:
    kept = after_warm_up(outcome.memory, outcome.setup.warm_up_seconds)
    return f"{kept[0].megabytes:.0f} → {kept[-1].megabytes:.0f}" if kept else "-"


def _load_row(outcome: Outcome) -> str:
    load, kinds = outcome.load, outcome.load.tally.kinds
    rps = load.tally.requests / load.seconds if load.seconds else 0.0
    memory = properties(outcome)[-1].shown or "-"
    cells = [
        outcome.setup.name, f"{load.tally.requests:,}", f"{rps:.0f}",
        *_latencies(kinds.get("read")), *_latencies(kinds.get("write")),
        str(load.journal.conflicts), _memory_cell(outcome), memory.split(" (")[0],
    ]  # fmt: skip
    return "| " + " | ".join(cells) + " |"


def _cell(found: Property) -> str:
    if found.shown is not None:
        return found.shown if found.holds else f"**FAIL** {found.shown}"
    if found.failures:
        return f"**FAIL** {found.failures:,} of {found.of:,}"
    return f"ok ({found.of:,})"


def _property_table(outcomes: list[Outcome], memory_limit: float) -> list[str]:
    found = [properties(outcome, memory_limit) for outcome in outcomes]
    lines = [
        "| property | " + " | ".join(outcome.setup.name for outcome in outcomes) + " |",
        "|---|" + "---|" * len(outcomes),
    ]
    for row, first in enumerate(found[0]):
        lines.append(f"| {first.name} | " + " | ".join(_cell(run[row]) for run in found) + " |")
    return lines


def _failure_lines(outcomes: list[Outcome], memory_limit: float) -> list[str]:
    lines = []
    for outcome in outcomes:
        for found in properties(outcome, memory_limit):
            if not found.holds:
                lines.append(f"- {outcome.setup.name}, {found.name}:")
                lines += [f"  - {example}" for example in found.examples]
    return ["", "Failures:", *lines] if lines else []


def _how(outcomes: list[Outcome], memory_limit: float) -> str:
    setup = outcomes[0].setup
    return (
        f"{setup.mix.clients} clients for {setup.duration:g} s a run on {setup.posts} demo "
        f"posts: {1 - setup.mix.write_share:.0%} anonymous reads of the six example queries, "
        f"{setup.mix.write_share:.0%} writes with an editor token (create, update on "
        "`expectedVersion` read again and retried on CONFLICT, publish, delete). Latencies "
        "of every answered request by kind; memory: resident memory of all the server's "
        f"processes after {setup.warm_up_seconds:g} s of warm-up, first and last sample, and "
        f"its least-squares slope, judged (under {memory_limit:g} MB/min) once "
        f"{MEMORY_WINDOW / 60:g} minutes of samples follow the warm-up."
    )


def render(outcomes: list[Outcome], memory_limit: float = MEMORY_LIMIT) -> str:
    """The whole report: heading line, load table, property table, failures, how it ran."""
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"Soak of {date} on {machine_line()}.", "", LOAD_HEADER]
    lines += [_load_row(outcome) for outcome in outcomes]
    lines += ["", *_property_table(outcomes, memory_limit)]
    lines += _failure_lines(outcomes, memory_limit)
    lines += ["", _how(outcomes, memory_limit)]
    return "\n".join(lines) + "\n"
