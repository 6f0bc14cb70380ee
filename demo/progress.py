"""Counting the steps of a long job for a progress bar."""

from __future__ import annotations

from collections.abc import Callable

# Told how many of `total` steps are done.
Progress = Callable[[int, int], object]


class Steps:
    """Counts the steps done and tells `progress`, when there is one."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total = total
        self.done = 0
        self.progress = progress

    def advance(self, count: int = 1) -> None:
        """`count` more steps are done."""
        self.done += count
        if self.progress is not None:
            self.progress(self.done, self.total)
