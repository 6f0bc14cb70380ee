"""A write's acknowledgment: the row it wrote, named as a read of the entry names it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Case, Label, Row


def as_read(columns: Sequence[Any], row: Row[Any]) -> dict[str, Any]:
    """The written row under the names a read of `columns` gives (`pk` for `id`, …).

    A mutation's payload is built from it, so it shows the state this write committed
    even when another write commits right after.
    """
    written = row._mapping  # noqa: SLF001 (public API, underscored)
    return {column.key: written[_source(column).key] for column in columns}


def _source(column: Any) -> Any:
    """The table column behind a selected column (`posts.id` for `pk`).

    A body part read only when selected (`resolvers/core/bodies.py`) names its column in
    its one `CASE` branch.
    """
    element = column.element if isinstance(column, Label) else column
    return element.whens[0][1] if isinstance(element, Case) else element
