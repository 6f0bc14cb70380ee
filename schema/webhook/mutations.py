"""Mutations of webhooks (admins only): register, change, delete, ping, redeliver."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

import strawberry
from sqlalchemy import Row

from masthead.events.addresses import check_url
from masthead.resolvers.core.access import ADMINS, require_role
from masthead.resolvers.core.acknowledgment import as_read
from masthead.resolvers.webhook import DELIVERY_COLUMNS, WEBHOOK_COLUMNS
from masthead.resolvers.writes.webhook import (
    UrlCheck,
    create_webhook,
    delete_webhook,
    update_webhook,
)
from masthead.resolvers.writes.webhook_delivery import ping_webhook, redeliver
from masthead.schema.core.context import Info, from_fields
from masthead.schema.core.mutations import (
    DeletePayload,
    UserError,
    attempt,
    deletion,
    entry_id,
    given_fields,
)
from masthead.schema.webhook.inputs import WebhookInput, WebhookUpdateInput
from masthead.schema.webhook.types import Webhook, WebhookDelivery, build_delivery

WebhookId = Annotated[strawberry.ID, strawberry.argument(description="The webhook's global ID.")]


@strawberry.type(description="The webhook a mutation wrote, or why nothing was written.")
class WebhookPayload:
    """Result of a webhook mutation."""

    webhook: Webhook | None = strawberry.field(description="The webhook after the change.")
    secret: str | None = strawberry.field(
        description="Its signing secret, on `createWebhook` only: shown this once, never again."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing was written.")


@strawberry.type(description="The delivery a mutation queued, or why nothing was queued.")
class WebhookDeliveryPayload:
    """Result of `pingWebhook` and `redeliverWebhookEvent`."""

    delivery: WebhookDelivery | None = strawberry.field(
        description="The new delivery, pending and due now."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing was queued.")


def _address_check(info: Info) -> UrlCheck:
    return partial(check_url, allow_private=info.context.settings.webhook_allow_private)


def _settings(data: WebhookInput | WebhookUpdateInput) -> dict[str, Any]:
    """The given fields, enum lists as their names (`POST`, `PUBLISHED`)."""
    given = given_fields(data)
    for key in ("types", "actions"):
        if given.get(key) is not None:
            given[key] = [member.value for member in given[key]]
    return given


def _webhook_payload(
    outcome: tuple[Row[Any] | None, list[UserError]], *, created: bool
) -> WebhookPayload:
    row, errors = outcome
    webhook = None if row is None else from_fields(Webhook, as_read(WEBHOOK_COLUMNS, row))
    secret = row.secret if created and row is not None else None
    return WebhookPayload(webhook=webhook, secret=secret, user_errors=errors)


def _delivery_payload(
    outcome: tuple[Row[Any] | None, list[UserError]],
) -> WebhookDeliveryPayload:
    row, errors = outcome
    delivery = None if row is None else build_delivery(as_read(DELIVERY_COLUMNS, row))
    return WebhookDeliveryPayload(delivery=delivery, user_errors=errors)


@strawberry.type
class WebhookMutations:
    """Writes of webhooks; none of them records a content event."""

    @strawberry.mutation(
        description="Register a webhook; its signing secret is in the payload, shown once."
    )
    async def create_webhook(self, info: Info, input: WebhookInput) -> WebhookPayload:  # noqa: A002
        """Admins only; a URL Masthead must not call is an INVALID user error on `url`."""
        require_role(info.context.viewer, ADMINS, "manage webhooks")
        write = create_webhook(info.context, given=_settings(input), check_url=_address_check(info))
        return _webhook_payload(await attempt(write), created=True)

    @strawberry.mutation(description="Change a webhook: omitted fields stay unchanged.")
    async def update_webhook(
        self,
        info: Info,
        id: WebhookId,  # noqa: A002
        input: WebhookUpdateInput,  # noqa: A002
    ) -> WebhookPayload:
        """Admins only; `active: true` switches back on a hook delivery disabled."""
        require_role(info.context.viewer, ADMINS, "manage webhooks")
        pk, given = entry_id(id, "Webhook"), _settings(input)
        write = update_webhook(info.context, pk=pk, given=given, check_url=_address_check(info))
        return _webhook_payload(await attempt(write), created=False)

    @strawberry.mutation(
        description="Delete a webhook and its deliveries; pending ones are dropped."
    )
    async def delete_webhook(self, info: Info, id: WebhookId) -> DeletePayload:  # noqa: A002
        """Admins only."""
        require_role(info.context.viewer, ADMINS, "manage webhooks")
        return await deletion("Webhook", delete_webhook(info.context, pk=entry_id(id, "Webhook")))

    @strawberry.mutation(
        description="Queue a test message to a webhook, active or not, to check it is wired up."
    )
    async def ping_webhook(self, info: Info, id: WebhookId) -> WebhookDeliveryPayload:  # noqa: A002
        """Admins only; the delivery is sent at once by the delivery worker."""
        require_role(info.context.viewer, ADMINS, "manage webhooks")
        pk = entry_id(id, "Webhook")
        return _delivery_payload(await attempt(ping_webhook(info.context, pk=pk), None))

    @strawberry.mutation(
        description="Send a delivery's message again to its webhook, with the same body and "
        "`webhook-id` (receivers deduplicate by it); the original keeps its outcome."
    )
    async def redeliver_webhook_event(
        self,
        info: Info,
        delivery_id: Annotated[
            strawberry.ID, strawberry.argument(description="The delivery's global ID.")
        ],
    ) -> WebhookDeliveryPayload:
        """Admins only; works for any delivery, failed or not, and for pings."""
        require_role(info.context.viewer, ADMINS, "manage webhooks")
        pk = entry_id(delivery_id, "WebhookDelivery")
        return _delivery_payload(await attempt(redeliver(info.context, delivery_pk=pk), None))
