"""Inputs of webhook mutations: what a hook listens to and where it sends."""

from __future__ import annotations

from typing import Any

import strawberry

from masthead.schema.core.enums import ContentAction, ContentType

UNSET: Any = strawberry.UNSET


@strawberry.input(description="A new webhook; only `url` is required.")
class WebhookInput:
    """A hook's settings at creation."""

    url: str = strawberry.field(
        description="Where events are POSTed (http or https; private addresses are refused "
        "unless MASTHEAD_WEBHOOK_ALLOW_PRIVATE is set)."
    )
    secret: str | None = strawberry.field(
        default=UNSET,
        description="Signing secret, `whsec_` and base64 of 24 to 64 bytes; omit it and one "
        "is generated. Returned once, in the payload.",
    )
    types: list[ContentType] | None = strawberry.field(
        default=UNSET, description="Only events about these types; empty or omitted means all."
    )
    actions: list[ContentAction] | None = strawberry.field(
        default=UNSET, description="Only these actions; empty or omitted means all."
    )
    include_drafts: bool | None = strawberry.field(
        default=UNSET,
        description="Hear of draft changes too (default false: only what the public sees).",
    )
    active: bool | None = strawberry.field(
        default=UNSET, description="Send events to it (default true)."
    )
    description: str | None = strawberry.field(default=UNSET, description="What the hook is for.")


@strawberry.input(description="Changes to a webhook; omitted fields stay unchanged.")
class WebhookUpdateInput:
    """A hook's settings; `active: true` also switches back on a hook delivery disabled."""

    url: str | None = strawberry.field(default=UNSET, description="Where events are POSTed.")
    secret: str | None = strawberry.field(
        default=UNSET, description="A new signing secret, `whsec_` and base64 of 24 to 64 bytes."
    )
    types: list[ContentType] | None = strawberry.field(
        default=UNSET, description="Only events about these types; empty means all."
    )
    actions: list[ContentAction] | None = strawberry.field(
        default=UNSET, description="Only these actions; empty means all."
    )
    include_drafts: bool | None = strawberry.field(
        default=UNSET, description="Hear of draft changes too."
    )
    active: bool | None = strawberry.field(
        default=UNSET,
        description="Send events to it; `true` clears `disabledReason` and the failure count.",
    )
    description: str | None = strawberry.field(default=UNSET, description="What the hook is for.")
