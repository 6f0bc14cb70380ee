"""The Relay `Node` interface every content type implements."""

from __future__ import annotations

import strawberry


@strawberry.interface(description="An object with an opaque global ID, fetchable with `node`.")
class Node:
    """Relay's Node: `id` is opaque and stable."""

    id: strawberry.ID = strawberry.field(description="Opaque global ID.")
