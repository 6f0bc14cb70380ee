"""How a recorded change looks to whoever hears of it: the action a viewer is told, if any.

Webhooks and subscriptions both read the `events` outbox. A viewer that sees drafts hears
of every change as it was made; the public hears only of changes to what it could see
before or after, in its own terms: a draft becoming visible is `PUBLISHED` to it, a
visible entry becoming hidden is `UNPUBLISHED`, and it never hears of draft edits.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from masthead.models import EventAction

# The action of a change, as told to a viewer that sees drafts (GraphQL `ContentAction`).
TOLD: dict[str, str] = {
    EventAction.CREATE: "CREATED",
    EventAction.UPDATE: "UPDATED",
    EventAction.DELETE: "DELETED",
    EventAction.PUBLISH: "PUBLISHED",
    EventAction.SCHEDULE: "SCHEDULED",
    EventAction.UNPUBLISH: "UNPUBLISHED",
    EventAction.RESTORE: "RESTORED",
    EventAction.GO_LIVE: "PUBLISHED",
}
# GraphQL `ContentType` names and the entity types stored in `events.entity_type`.
CONTENT_TYPES: dict[str, str] = {
    "POST": "Post",
    "PAGE": "Page",
    "AUTHOR": "Author",
    "TAG": "Tag",
    "ASSET": "Asset",
}
TYPE_NAMES = {entity: name for name, entity in CONTENT_TYPES.items()}  # "Post" → "POST"


def told_action(
    action: str, *, public_before: bool, public_after: bool, sees_drafts: bool
) -> str | None:
    """The `ContentAction` a viewer is told of a change, or None when it must not hear of it."""
    if action not in TOLD:
        return None  # an import: no per-entry event
    if sees_drafts:
        return TOLD[action]
    if public_before and public_after:
        return "PUBLISHED" if action == EventAction.GO_LIVE else TOLD[action]
    if public_after:
        return "CREATED" if action == EventAction.CREATE else "PUBLISHED"
    if public_before:
        return "DELETED" if action == EventAction.DELETE else "UNPUBLISHED"
    return None


def heard_action(
    event: Any,
    *,
    sees_drafts: bool,
    types: Collection[str] = (),
    actions: Collection[str] = (),
) -> str | None:
    """The `ContentAction` a listener is told of an `events` row, or None if it hears nothing.

    `types` and `actions` are the listener's filters in GraphQL names (`POST`,
    `PUBLISHED`); empty lets every one through. Webhooks and subscriptions both ask here.
    """
    type_name = TYPE_NAMES.get(event.entity_type)
    if type_name is None or (types and type_name not in types):
        return None
    told = told_action(
        event.action,
        public_before=event.public_before,
        public_after=event.public_after,
        sees_drafts=sees_drafts,
    )
    if told is None or (actions and told not in actions):
        return None
    return told


def entry_key(entity_type: str, entity_id: int) -> str:
    """The surrogate key of one entry: `post:12`."""
    return f"{entity_type.lower()}:{entity_id}"


def list_key(entity_type: str) -> str:
    """The surrogate key of every list, count and lookup by slug or path of a type: `posts`."""
    return f"{entity_type.lower()}s"


def keys_of_change(entity_type: str, entity_id: int) -> list[str]:
    """The surrogate keys a change to one entry invalidates: the entry and its type's lists.

    An answer carries `post:12` when it read post 12, and `posts` when it listed, counted,
    searched or looked up posts by anything but the ID; so purging these two keys purges
    every cached answer whose content this change can alter.
    """
    return [entry_key(entity_type, entity_id), list_key(entity_type)]
