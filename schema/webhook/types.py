"""The `Webhook` and `WebhookDelivery` types: a hook's settings and the messages queued for it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from masthead.resolvers.core.changes import TYPE_NAMES, told_action
from masthead.resolvers.core.ids import encode_id
from masthead.resolvers.core.listing import child_page_loader, list_args
from masthead.resolvers.webhook import (
    DELIVERIES_OF_WEBHOOK,
    DELIVERY_LISTING,
    event_by_id,
    webhook_by_id,
)
from masthead.schema.core.arguments import After, First
from masthead.schema.core.connection import Connection, connection_of
from masthead.schema.core.context import Info, from_fields, from_optional_row
from masthead.schema.core.directives import CONNECTION_SIZE
from masthead.schema.core.enums import ContentAction, ContentType
from masthead.schema.core.node import Node


@strawberry.enum(description="Where a webhook delivery stands.")
class WebhookDeliveryStatus(Enum):
    """The stored states of a delivery, by their GraphQL names."""

    PENDING = strawberry.enum_value("pending", description="Waiting for `nextAttemptAt`.")
    SENDING = strawberry.enum_value("sending", description="Being sent right now.")
    SUCCEEDED = strawberry.enum_value("succeeded", description="The receiver answered 2xx.")
    FAILED = strawberry.enum_value(
        "failed", description="Given up on: every attempt of the retry window failed."
    )


@strawberry.type(description="One message to one webhook (an event, or a ping) and its outcome.")
class WebhookDelivery(Node):
    """A delivery; redelivering queues a new one with the same `messageId`."""

    pk: strawberry.Private[int]
    webhook_id: strawberry.Private[int]
    event_id: int | None = strawberry.field(
        description="Number of the content event it carries (as in the body); null for a ping."
    )
    message_id: str = strawberry.field(
        description="The `webhook-id` header: the same on every retry and redelivery."
    )
    status: WebhookDeliveryStatus = strawberry.field(description="Where the delivery stands.")
    attempts: int = strawberry.field(description="How many times it was sent so far.")
    next_attempt_at: datetime | None = strawberry.field(
        description="When it is sent next, while it is pending."
    )
    last_status_code: int | None = strawberry.field(
        description="HTTP status of the receiver's last answer; null when none came."
    )
    last_duration_ms: int | None = strawberry.field(
        description="How long the last attempt took, in milliseconds."
    )
    last_error: str | None = strawberry.field(description="Why the last attempt failed.")
    created_at: datetime = strawberry.field(description="When it was queued.")
    finished_at: datetime | None = strawberry.field(
        description="When it succeeded or was given up on."
    )

    @strawberry.field(description="Opaque global ID.")
    def id(self) -> strawberry.ID:
        """`WebhookDelivery:<pk>`, encoded."""
        return strawberry.ID(encode_id("WebhookDelivery", self.pk))

    @strawberry.field(description="Whether it is a test message from `pingWebhook`.")
    def ping(self) -> bool:
        """A ping carries no event."""
        return self.event_id is None

    @strawberry.field(description="The webhook it is for.")
    async def webhook(self, info: Info) -> Webhook | None:
        """Batched by webhook id."""
        return from_optional_row(Webhook, await webhook_by_id(info.context, self.webhook_id))

    @strawberry.field(description="What the event told the hook happened; null for a ping.")
    async def action(self, info: Info) -> ContentAction | None:
        """As the hook hears it: the public's terms unless it includes drafts."""
        event = await event_by_id(info.context, self.event_id)
        if event is None:
            return None
        drafts = self.__dict__.get("include_drafts")
        if drafts is None:
            hook = await webhook_by_id(info.context, self.webhook_id)
            drafts = hook is not None and hook.include_drafts
        told = told_action(event.action, public_before=event.public_before,
                           public_after=event.public_after, sees_drafts=drafts)  # fmt: skip
        return None if told is None else ContentAction(told)

    @strawberry.field(description="The kind of entry the event is about; null for a ping.")
    async def type(self, info: Info) -> ContentType | None:
        """From the event's entity type."""
        event = await event_by_id(info.context, self.event_id)
        return None if event is None else ContentType(TYPE_NAMES[event.entity_type])

    @strawberry.field(description="Global ID of the entry the event is about; null for a ping.")
    async def entry_id(self, info: Info) -> strawberry.ID | None:
        """The entry's ID, also once it is deleted."""
        event = await event_by_id(info.context, self.event_id)
        return (
            None if event is None else strawberry.ID(encode_id(event.entity_type, event.entity_id))
        )


def build_delivery(
    fields: Mapping[str, Any], include_drafts: bool | None = None
) -> WebhookDelivery:
    """A delivery over a row's fields; its hook's `includeDrafts`, when known, spares a load."""
    delivery = from_fields(WebhookDelivery, fields)
    delivery.__dict__["include_drafts"] = include_drafts
    return delivery


@strawberry.type(description="Where content events are sent: a URL, its filters and its state.")
class Webhook(Node):
    """A webhook; its signing secret is shown once, by `createWebhook`, and never again."""

    pk: strawberry.Private[int]
    url: str = strawberry.field(description="Where events are POSTed.")
    types: list[ContentType] = strawberry.field(
        description="Only events about these types; empty means all."
    )
    actions: list[ContentAction] = strawberry.field(
        description="Only these actions (as the hook is told them); empty means all."
    )
    include_drafts: bool = strawberry.field(
        description="Whether it hears of draft changes too; else only what the public sees."
    )
    active: bool = strawberry.field(description="Whether events are sent to it.")
    description: str | None = strawberry.field(description="What the hook is for.")
    disabled_reason: str | None = strawberry.field(
        description="Why delivery switched the hook off after repeated failures."
    )
    consecutive_failures: int = strawberry.field(
        description="Deliveries failed in a row since the last success."
    )
    created_at: datetime = strawberry.field(description="When the hook was registered.")
    updated_at: datetime = strawberry.field(description="When its settings last changed.")

    @strawberry.field(description="Opaque global ID.")
    def id(self) -> strawberry.ID:
        """`Webhook:<pk>`, encoded."""
        return strawberry.ID(encode_id("Webhook", self.pk))

    @strawberry.field(
        description="Messages queued for this hook, newest first.", directives=[CONNECTION_SIZE]
    )
    async def deliveries(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[WebhookDelivery]:
        """One statement for every hook of the operation (a window per hook)."""
        args = list_args(first=first, after=after)
        load = child_page_loader(info.context, DELIVERY_LISTING, DELIVERIES_OF_WEBHOOK, args)
        page = await load(self.pk)
        return await connection_of(
            info,
            page,
            lambda row: build_delivery(row._mapping, self.include_drafts),  # noqa: SLF001
        )
