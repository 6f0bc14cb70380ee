"""Root queries of webhooks (admins only): `webhook` and `webhooks`."""

from __future__ import annotations

from typing import Annotated

import strawberry

from masthead.resolvers.core.access import ADMINS, require_role
from masthead.resolvers.core.ids import decode_id
from masthead.resolvers.core.listing import list_args
from masthead.resolvers.webhook import WEBHOOK_LISTING, webhook_by_id
from masthead.schema.core.arguments import After, First
from masthead.schema.core.connection import Connection, listed
from masthead.schema.core.context import Info, from_optional_row, from_row
from masthead.schema.core.directives import CONNECTION_SIZE
from masthead.schema.webhook.types import Webhook


@strawberry.type
class WebhookQueries:
    """`webhook` and `webhooks`; never a secret."""

    @strawberry.field(description="One webhook by ID (admins only).")
    async def webhook(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Global ID.")],  # noqa: A002
    ) -> Webhook | None:
        """Null when no webhook has this ID."""
        require_role(info.context.viewer, ADMINS, "read webhooks")
        row = await webhook_by_id(info.context, decode_id(id, "Webhook"))
        return from_optional_row(Webhook, row)

    @strawberry.field(
        description="Webhooks, oldest first (admins only).", directives=[CONNECTION_SIZE]
    )
    async def webhooks(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Webhook]:
        """One statement for the page, one more when `totalCount` is read."""
        require_role(info.context.viewer, ADMINS, "read webhooks")
        return await listed(
            info,
            WEBHOOK_LISTING,
            list_args(first=first, after=after),
            lambda row: from_row(Webhook, row),
        )
