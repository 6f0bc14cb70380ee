"""The properties a soak must keep, each with its failures and a few examples of them."""

from __future__ import annotations

from dataclasses import dataclass, field

from soak.memory import after_warm_up, slope_per_minute
from soak.runner import Outcome
from soak.session import Predicate

EXAMPLES = 5
MEMORY_LIMIT = 0.5  # MB a minute after warm-up
MEMORY_WINDOW = 300.0  # seconds of samples after warm-up before the slope is judged


@dataclass(frozen=True)
class Property:
    """One property of one run: how many of how many failed, and examples.

    A property not `judged` (memory in a short run) is reported and never fails.
    """

    name: str
    failures: int
    of: int
    examples: list[str] = field(default_factory=list)
    judged: bool = True
    shown: str | None = None

    @property
    def holds(self) -> bool:
        """No failure, or not judged."""
        return not self.judged or self.failures == 0


def _requests(name: str, outcome: Outcome, which: Predicate, logged: bool = False) -> Property:
    """A property of the answers; with `logged`, what the server logged comes with them."""
    tally = outcome.load.tally
    found = tally.failures(which)
    examples = [f"{kind}: {description} ({count} times)" for kind, description, count in found]
    if logged:
        examples += [f"server log: {line} ({count} times)"
                     for line, count in outcome.logged.most_common(EXAMPLES)]  # fmt: skip
    return Property(name, tally.failed(which), tally.requests, examples[: 2 * EXAMPLES])


def _memory(outcome: Outcome, limit: float) -> Property:
    kept = after_warm_up(outcome.memory, outcome.setup.warm_up_seconds)
    slope = slope_per_minute(kept)
    if slope is None:
        return Property("memory flat after warm-up", 0, 0, judged=False, shown="too few samples")
    window = kept[-1].seconds - kept[0].seconds
    judged = window >= MEMORY_WINDOW
    shown = f"{slope:+.2f} MB/min" + (
        "" if judged else f" (not judged under {MEMORY_WINDOW / 60:g} min)"
    )
    failed = int(judged and slope > limit)
    return Property(f"memory slope under {limit:g} MB/min", failed, 1, judged=judged, shown=shown)


def properties(outcome: Outcome, memory_limit: float = MEMORY_LIMIT) -> list[Property]:
    """Every property of one run, in the report's order."""
    journal, verdict = outcome.load.journal, outcome.verdict
    refused = [f"{what} ({count} times)" for what, count in journal.refused.most_common(EXAMPLES)]
    return [
        _requests("every request answered", outcome, lambda each: each.no_answer),
        _requests("no HTTP 5xx", outcome, lambda each: each.server_error),
        _requests("no INTERNAL_SERVER_ERROR", outcome, lambda each: each.internal, logged=True),
        _requests("no other error", outcome, lambda each: each.other),
        Property("writes refused only on CONFLICT or a deleted post",
                 sum(journal.refused.values()), journal.writes, refused),
        Property("acknowledgments describe their own write", len(journal.untruthful),
                 journal.writes, journal.untruthful[:EXAMPLES]),
        Property("acknowledged writes stored with version and content", len(verdict.missing),
                 verdict.writes, verdict.missing[:EXAMPLES]),
        Property("acknowledged deletes gone", len(verdict.not_gone), verdict.deletes,
                 verdict.not_gone[:EXAMPLES]),
        _memory(outcome, memory_limit),
    ]  # fmt: skip


def failing(outcome: Outcome, memory_limit: float = MEMORY_LIMIT) -> list[Property]:
    """The properties of a run that do not hold."""
    return [each for each in properties(outcome, memory_limit) if not each.holds]
