"""The `contentChanged` subscription: each change a subscriber may hear of, as it may see it."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable

import strawberry

from masthead.events.feed import FeedEvent, running_feed
from masthead.resolvers.core.changes import TYPE_NAMES, heard_action
from masthead.resolvers.core.context import Viewer
from masthead.resolvers.core.errors import MastheadError
from masthead.resolvers.core.ids import encode_id
from masthead.schema.core.context import Info
from masthead.schema.core.enums import ContentAction, ContentType
from masthead.schema.core.node import Node

# Loads an entry by its type's name and id for the subscriber, or None when it may not see it.
NodeLoader = Callable[[Info, str, int], Awaitable[Node | None]]


class SubscriptionsUnavailable(MastheadError):
    """The app runs no change feed (it is served without its lifespan)."""

    code = "SERVICE_UNAVAILABLE"


@strawberry.type(description="One change to an entry, as the subscriber is told of it.")
class ContentChange:
    """What happened, to which entry, and the entry as the subscriber reads it now."""

    action: ContentAction = strawberry.field(
        description="What happened, as this subscriber sees it: the public hears of a draft "
        "becoming visible as `PUBLISHED` and of a visible entry hidden as `UNPUBLISHED`."
    )
    type: ContentType = strawberry.field(description="The entry's content type.")
    id: strawberry.ID = strawberry.field(description="The entry's global ID.")
    node: Node | None = strawberry.field(
        description="The entry as this subscriber may read it when the message is sent; "
        "null once deleted or hidden from it."
    )


def _told(event: FeedEvent, viewer: Viewer, wanted: set[str]) -> ContentAction | None:
    """The action this subscriber is told of the event, or None when it must not hear of it."""
    told = heard_action(event, sees_drafts=viewer.sees_drafts, types=wanted)
    return None if told is None else ContentAction[told]


async def content_changes(
    info: Info, types: list[ContentType] | None, load_node: NodeLoader
) -> AsyncGenerator[ContentChange, None]:
    """Every change from now on that the subscriber may hear of, one message each.

    Each message is resolved in a fresh read of the database at the time it is sent, its
    connection released before the next change is awaited.
    """
    context = info.context
    feed = running_feed(context.engine)
    if feed is None:
        message = "subscriptions are served by `masthead serve` (this app runs no change feed)"
        raise SubscriptionsUnavailable(message)
    wanted = {each.name for each in types or ()}
    with feed.listening() as listener:
        async for event in listener:
            action = _told(event, context.viewer, wanted)
            if action is None:
                continue
            await context.renew()
            node = await load_node(info, event.entity_type, event.entity_id)
            yield ContentChange(
                action=action,
                type=ContentType[TYPE_NAMES[event.entity_type]],
                id=strawberry.ID(encode_id(event.entity_type, event.entity_id)),
                node=node,
            )
            await context.close()
