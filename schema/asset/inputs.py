"""Filter inputs of assets."""

from __future__ import annotations

import strawberry

from masthead.schema.core.filters import DateTimeFilter, IDFilter, IntFilter, StringFilter


@strawberry.input(description="Conditions on assets; all given fields must hold.")
class AssetWhere:
    """Asset filter: fields combine with AND; `AND`, `OR` and `NOT` nest."""

    and_: list[AssetWhere] | None = strawberry.field(
        default=None, name="AND", description="All of."
    )
    or_: list[AssetWhere] | None = strawberry.field(default=None, name="OR", description="Any of.")
    not_: AssetWhere | None = strawberry.field(default=None, name="NOT", description="Not this.")
    id: IDFilter | None = strawberry.field(default=None, description="By ID.")
    filename: StringFilter | None = strawberry.field(default=None, description="By file name.")
    mime_type: StringFilter | None = strawberry.field(default=None, description="By media type.")
    size: IntFilter | None = strawberry.field(default=None, description="By size in bytes.")
    width: IntFilter | None = strawberry.field(default=None, description="By width.")
    height: IntFilter | None = strawberry.field(default=None, description="By height.")
    created_at: DateTimeFilter | None = strawberry.field(default=None, description="By creation.")
