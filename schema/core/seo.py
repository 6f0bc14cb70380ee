"""The `Seo` type shared by posts and pages, with its fallbacks."""

from __future__ import annotations

import strawberry

from masthead.schema.asset.types import Asset, load_asset
from masthead.schema.core.context import Info


@strawberry.type(description="Search-engine and social metadata, falling back to the entry.")
class Seo:
    """SEO fields; each falls back to the entry's own title, excerpt and cover image."""

    title: str = strawberry.field(description="Title, or the entry's title.")
    description: str | None = strawberry.field(description="Description, or the excerpt.")
    canonical_url: str | None = strawberry.field(description="Canonical URL when set.")
    og_image_id: strawberry.Private[int | None]

    @strawberry.field(description="Social image, or the cover image.")
    async def og_image(self, info: Info) -> Asset | None:
        """The social-sharing image."""
        return await load_asset(info, self.og_image_id)
