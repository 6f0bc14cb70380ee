"""The resolver `info` type: Strawberry's Info carrying Masthead's read context."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import strawberry

from masthead.resolvers.core.context import ReadContext

Info = strawberry.Info[ReadContext, None]

T = TypeVar("T")


def from_row(cls: type[T], row: Any) -> T:
    """A schema object over a row: plain fields become attributes read without a resolver."""
    instance = cls.__new__(cls)
    instance.__dict__.update(row._mapping)  # noqa: SLF001 (public API, underscored)
    return instance


def from_fields(cls: type[T], fields: Mapping[str, Any]) -> T:
    """`from_row` over a mapping of field names to values (a write's acknowledgment)."""
    instance = cls.__new__(cls)
    instance.__dict__.update(fields)
    return instance


def from_optional_row(cls: type[T], row: Any | None) -> T | None:
    """`from_row`, passing None through."""
    return None if row is None else from_row(cls, row)
