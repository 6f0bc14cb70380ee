"""The resolver `info` type: Strawberry's Info carrying Masthead's read context."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import strawberry

from masthead.resolvers.core.context import ReadContext

Info = strawberry.Info[ReadContext, None]

T = TypeVar("T")


# The column names of each result's rows: one result's rows share them, and a shared
# statement's results share them too. Bounded: statements built per request add theirs.
_NAMES: dict[Any, tuple[str, ...]] = {}
_MOST_NAMES = 64


def _names(row: Any) -> tuple[str, ...]:
    if isinstance(row, tuple):  # a named row of a direct read: its class holds the names
        fields: tuple[str, ...] = row._fields  # type: ignore[attr-defined]
        return fields
    layout = row._parent  # noqa: SLF001 (the rows' metadata: its identity keys the names)
    names = _NAMES.get(layout)
    if names is None:
        if len(_NAMES) >= _MOST_NAMES:
            _NAMES.clear()
        names = _NAMES[layout] = row._fields
    return names


def from_row(cls: type[T], row: Any) -> T:
    """A schema object over a row: plain fields become attributes read without a resolver."""
    instance = cls.__new__(cls)
    instance.__dict__.update(zip(_names(row), row, strict=True))
    return instance


def from_fields(cls: type[T], fields: Mapping[str, Any]) -> T:
    """`from_row` over a mapping of field names to values (a write's acknowledgment)."""
    instance = cls.__new__(cls)
    instance.__dict__.update(fields)
    return instance


def from_optional_row(cls: type[T], row: Any | None) -> T | None:
    """`from_row`, passing None through."""
    return None if row is None else from_row(cls, row)
