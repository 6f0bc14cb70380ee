"""Mutations of pages: create, update, delete, publish (or schedule), unpublish, restore."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from resolvers.core.access import EDITORS, require_role
from resolvers.core.entry_writes import create_entry, delete_entry, restore_entry, update_entry
from resolvers.page import page_by_id
from resolvers.writes.localized import UNPUBLISHED, publish_entry, unpublish_entry
from resolvers.writes.page import PAGE_WRITES
from schema.core.context import Info, from_optional_row
from schema.core.mutations import (
    DeletePayload,
    SeoInput,
    UserError,
    attempt,
    deletion,
    entry_id,
    given_fields,
    publication_date,
)
from schema.page.types import Page

PageId = Annotated[strawberry.ID, strawberry.argument(description="The page's global ID.")]
UNSET: Any = strawberry.UNSET


@strawberry.input(description="Fields of a page; on update, omitted fields stay unchanged.")
class PageInput:
    """A page's editable fields; `path` follows from `parent` and `slug`."""

    slug: str | None = strawberry.field(default=UNSET, description="Last segment of the path.")
    title: str | None = strawberry.field(default=UNSET, description="Title.")
    body: str | None = strawberry.field(default=UNSET, description="Markdown source.")
    locale: str | None = strawberry.field(default=UNSET, description="BCP 47 locale.")
    parent: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Parent page (same locale); null for a root page."
    )
    seo: SeoInput | None = strawberry.field(default=UNSET, description="SEO overrides.")
    translation_of: strawberry.ID | None = strawberry.field(
        default=UNSET, description="On create: a page this one translates (joins its group)."
    )


@strawberry.type(description="The page a mutation wrote, or why nothing was written.")
class PagePayload:
    """Result of a page mutation."""

    page: Page | None = strawberry.field(description="The page after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was written.")


async def _payload(info: Info, write: Any) -> PagePayload:
    pk, errors = await attempt(write)
    row = None if pk is None else await page_by_id(info.context, pk)
    return PagePayload(page=from_optional_row(Page, row), user_errors=errors)


@strawberry.type
class PageMutations:
    """Writes of pages (editors and admins)."""

    @strawberry.mutation(description="Create a draft page under `parent` (or at the root).")
    async def create_page(self, info: Info, input: PageInput) -> PagePayload:  # noqa: A002
        """Checked whole before anything is written."""
        require_role(info.context.viewer, EDITORS, "create pages")
        return await _payload(info, create_entry(info.context, PAGE_WRITES, given_fields(input)))

    @strawberry.mutation(description="Change a page; child pages' paths follow its new path.")
    async def update_page(
        self,
        info: Info,
        id: PageId,  # noqa: A002
        input: PageInput,  # noqa: A002
        expected_version: Annotated[
            int | None, strawberry.argument(description="The version your edit is based on.")
        ] = None,
    ) -> PagePayload:
        """Omitted fields stay unchanged; a stale `expectedVersion` is a CONFLICT."""
        require_role(info.context.viewer, EDITORS, "update pages")
        ctx, given = info.context, given_fields(input)
        write = update_entry(ctx, PAGE_WRITES, entry_id(id, "Page"), given, expected_version)
        return await _payload(info, write)

    @strawberry.mutation(description="Delete a page without children; revisions are kept.")
    async def delete_page(self, info: Info, id: PageId) -> DeletePayload:  # noqa: A002
        """A page with child pages is refused."""
        require_role(info.context.viewer, EDITORS, "delete pages")
        return await deletion("Page", delete_entry(info.context, PAGE_WRITES, entry_id(id, "Page")))

    @strawberry.mutation(description="Publish now, or at `at` (a future date schedules it).")
    async def publish_page(
        self,
        info: Info,
        id: PageId,  # noqa: A002
        at: Annotated[
            datetime | None, strawberry.argument(description="When it goes live (with offset).")
        ] = None,
    ) -> PagePayload:
        """Scheduled pages go live on time with no job running."""
        require_role(info.context.viewer, EDITORS, "publish pages")
        when = publication_date(at)
        write = publish_entry(info.context, PAGE_WRITES, entry_id(id, "Page"), when)
        return await _payload(info, write)

    @strawberry.mutation(description="Take a page back to draft: hidden from the public at once.")
    async def unpublish_page(self, info: Info, id: PageId) -> PagePayload:  # noqa: A002
        """Clears any scheduled date."""
        require_role(info.context.viewer, EDITORS, "unpublish pages")
        write = unpublish_entry(info.context, PAGE_WRITES, entry_id(id, "Page"))
        return await _payload(info, write)

    @strawberry.mutation(description="Bring back a page's content from one of its revisions.")
    async def restore_page_revision(
        self,
        info: Info,
        id: PageId,  # noqa: A002
        version: Annotated[int, strawberry.argument(description="The revision to restore.")],
    ) -> PagePayload:
        """A deleted page comes back as a draft; a live one keeps its status."""
        require_role(info.context.viewer, EDITORS, "restore pages")
        pk = entry_id(id, "Page")
        return await _payload(
            info, restore_entry(info.context, PAGE_WRITES, pk, version, UNPUBLISHED)
        )
