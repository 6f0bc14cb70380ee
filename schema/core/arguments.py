"""Argument types every connection shares, with their descriptions."""

from __future__ import annotations

from typing import Annotated

import strawberry

First = Annotated[
    int | None,
    strawberry.argument(description="Entries from the start: default 20, at most 100."),
]
After = Annotated[str | None, strawberry.argument(description="Start after this cursor.")]
Last = Annotated[int | None, strawberry.argument(description="Entries from the end, at most 100.")]
Before = Annotated[str | None, strawberry.argument(description="End before this cursor.")]
Locale = Annotated[
    str | None,
    strawberry.argument(
        description="BCP 47 locale; each entry falls back `fr-CA` → `fr` → the default locale."
    ),
]
