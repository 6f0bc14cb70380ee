"""Per-field filter inputs used by every `*Where` input."""

from __future__ import annotations

from datetime import datetime

import strawberry

from masthead.schema.core.enums import ContentStatusEnum


@strawberry.input(description="Conditions on a text field; all given conditions must hold.")
class StringFilter:
    """Text comparisons; `contains`, `startsWith` and `endsWith` ignore case."""

    eq: str | None = strawberry.field(default=None, description="Equal to.")
    ne: str | None = strawberry.field(default=None, description="Not equal to.")
    in_: list[str] | None = strawberry.field(default=None, name="in", description="One of.")
    not_in: list[str] | None = strawberry.field(default=None, description="None of.")
    contains: str | None = strawberry.field(default=None, description="Contains (any case).")
    starts_with: str | None = strawberry.field(default=None, description="Starts with (any case).")
    ends_with: str | None = strawberry.field(default=None, description="Ends with (any case).")
    is_null: bool | None = strawberry.field(default=None, description="Is (or is not) null.")


@strawberry.input(description="Conditions on a date-time field; all given conditions must hold.")
class DateTimeFilter:
    """Date-time comparisons (ISO 8601 with offset)."""

    eq: datetime | None = strawberry.field(default=None, description="Equal to.")
    ne: datetime | None = strawberry.field(default=None, description="Not equal to.")
    gt: datetime | None = strawberry.field(default=None, description="Later than.")
    gte: datetime | None = strawberry.field(default=None, description="At or later than.")
    lt: datetime | None = strawberry.field(default=None, description="Earlier than.")
    lte: datetime | None = strawberry.field(default=None, description="At or earlier than.")
    is_null: bool | None = strawberry.field(default=None, description="Is (or is not) null.")


@strawberry.input(description="Condition on a true/false field.")
class BooleanFilter:
    """Boolean equality."""

    eq: bool | None = strawberry.field(default=None, description="Equal to.")


@strawberry.input(description="Conditions on a whole-number field; all given must hold.")
class IntFilter:
    """Integer comparisons."""

    eq: int | None = strawberry.field(default=None, description="Equal to.")
    ne: int | None = strawberry.field(default=None, description="Not equal to.")
    in_: list[int] | None = strawberry.field(default=None, name="in", description="One of.")
    gt: int | None = strawberry.field(default=None, description="Greater than.")
    gte: int | None = strawberry.field(default=None, description="At least.")
    lt: int | None = strawberry.field(default=None, description="Less than.")
    lte: int | None = strawberry.field(default=None, description="At most.")


@strawberry.input(description="Conditions on a global ID.")
class IDFilter:
    """ID equality or membership."""

    eq: strawberry.ID | None = strawberry.field(default=None, description="Equal to.")
    in_: list[strawberry.ID] | None = strawberry.field(
        default=None, name="in", description="One of."
    )


@strawberry.input(description="Conditions on a content status.")
class StatusFilter:
    """Status equality or membership."""

    eq: ContentStatusEnum | None = strawberry.field(default=None, description="Equal to.")  # type: ignore[valid-type]
    in_: list[ContentStatusEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, name="in", description="One of."
    )
