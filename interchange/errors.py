"""The error a rejected document raises: every problem found, the first one as message."""

from __future__ import annotations


class InterchangeError(Exception):
    """A document that cannot be imported; nothing was written.

    `problems` lists every problem found, each naming the entry and the field, e.g.
    `posts[3] (slug "weekly-notes"): author: unknown author "nobody"`.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        more = len(problems) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        super().__init__(f"{problems[0]}{suffix}")
