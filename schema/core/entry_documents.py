"""An entry as a viewer reads it through the API: what a webhook's `data` carries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.schema.base import BaseSchema

from masthead.resolvers.core.context import ReadContext, Viewer
from masthead.resolvers.core.ids import encode_id
from masthead.settings import Settings

SEO = "seo { title description canonicalUrl ogImage { id url } }"
ASSET = "id filename mimeType size width height alt caption createdAt url"
PERSON = "id slug name"
# One selection per entity type: the entry's own fields and the names of what it links to.
SELECTIONS: dict[str, str] = {
    "Post": (
        "id slug title excerpt status publishedAt createdAt updatedAt featured locale version "
        f"body wordCount readingTimeMinutes author {{ {PERSON} }} coAuthors {{ {PERSON} }} "
        f"tags {{ id slug name }} coverImage {{ id url alt }} {SEO}"
    ),
    "Page": (
        "id path slug title status publishedAt createdAt updatedAt locale version body "
        f"parent {{ id path }} {SEO}"
    ),
    "Author": "id slug name bio website createdAt updatedAt version avatar { id url alt }",
    "Tag": "id slug name description createdAt updatedAt version",
    "Asset": ASSET,
}
DOCUMENTS: dict[str, str] = {
    name: f"query EntryForWebhook($id: ID!) {{ node(id: $id) {{ ... on {name} {{ {fields} }} }} }}"
    for name, fields in SELECTIONS.items()
}
PREVIEW = Viewer(role="preview", token_name="webhooks")  # noqa: S106 - a name, not a secret


class EntryDocuments:
    """Reads one entry through the schema as the public (or a preview token) would."""

    def __init__(
        self,
        schema: BaseSchema,
        engine: AsyncEngine,
        *,
        settings: Settings,
        media_base_url: str,
        clock: Callable[[], datetime],
    ) -> None:
        self.schema = schema
        self.engine = engine
        self.settings = settings
        self.media_base_url = media_base_url
        self.clock = clock

    async def __call__(
        self, entity_type: str, entity_id: int, sees_drafts: bool
    ) -> dict[str, Any] | None:
        """The entry's fields, or None when the viewer cannot see it (or it is gone)."""
        document = DOCUMENTS.get(entity_type)
        if document is None:
            return None
        context = ReadContext(
            self.engine,
            viewer=PREVIEW if sees_drafts else Viewer(),
            now=self.clock(),
            default_locale=self.settings.default_locale,
            media_base_url=self.media_base_url,
            settings=self.settings,
        )
        try:
            result = await self.schema.execute(
                document,
                variable_values={"id": encode_id(entity_type, entity_id)},
                context_value=context,
            )
        finally:
            await context.close()
        if result.errors:  # a database error as itself, for the caller to retry
            raise result.errors[0].original_error or result.errors[0]
        node: dict[str, Any] | None = (result.data or {}).get("node")
        return node or None
