"""The mutations every content type shares, built once from a description of the type.

No `from __future__ import annotations` here: the resolvers are made per type, and
Strawberry reads their annotations as the objects they are.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

import strawberry
from sqlalchemy import Row

from masthead.resolvers.core.access import require_role
from masthead.resolvers.core.acknowledgment import as_read
from masthead.resolvers.core.context import ReadContext
from masthead.resolvers.core.entity import EntitySpec
from masthead.resolvers.core.entry_writes import (
    create_entry,
    delete_entry,
    restore_entry,
    update_entry,
)
from masthead.resolvers.writes.localized import UNPUBLISHED, publish_entry, unpublish_entry
from masthead.schema.core.context import Info, from_fields
from masthead.schema.core.mutations import (
    DeletePayload,
    UserError,
    attempt,
    deletion,
    entry_id,
    given_fields,
    publication_date,
)

Delete = Callable[[ReadContext, int], Awaitable[int]]
ExpectedVersion = Annotated[
    int | None, strawberry.argument(description="The version your edit is based on.")
]
PublishAt = Annotated[
    datetime | None, strawberry.argument(description="When it goes live (with a UTC offset).")
]
RevisionVersion = Annotated[int, strawberry.argument(description="The revision to restore.")]


@dataclass(frozen=True)
class EntryMutations:
    """One content type's write side as GraphQL sees it."""

    spec: EntitySpec
    node: type
    input: type
    # The columns a read of the type selects: the payload names the written row's the same.
    columns: Sequence[Any]
    writers: frozenset[str]
    publishers: frozenset[str] | None = None
    creates: bool = True
    delete: Delete | None = None

    @property
    def name(self) -> str:
        """The type's name, e.g. `Post`."""
        return self.spec.name

    @property
    def noun(self) -> str:
        """The type's name in prose, e.g. `post`."""
        return self.spec.name.lower()

    @property
    def a_noun(self) -> str:
        """The noun with its article: `a post`, `an author`."""
        return f"{'an' if self.noun[0] in 'aeiou' else 'a'} {self.noun}"


def payload_type(node: type, field: str) -> type:
    """`<Type>Payload { <field>: <Type>, userErrors }`."""
    name = node.__name__
    namespace = {
        "__annotations__": {field: node | None, "user_errors": list[UserError]},
        field: strawberry.field(description=f"The {name.lower()} after the change."),
        "user_errors": strawberry.field(description="Why nothing was written."),
        "__doc__": f"Result of a {name.lower()} mutation.",
    }
    description = f"The {name.lower()} a mutation wrote, or why nothing was written."
    return strawberry.type(type(f"{name}Payload", (), namespace), description=description)


def _id_argument(name: str) -> Any:
    return Annotated[strawberry.ID, strawberry.argument(description=f"The {name}'s global ID.")]


def mutations_type(m: EntryMutations, payload: type | None = None) -> type:
    """`<Type>Mutations`: create, update, delete and, for posts and pages, the life cycle."""
    payload = payload or payload_type(m.node, m.noun)
    fields = {**_edits(m, payload), **(_life_cycle(m, payload) if m.publishers else {})}
    return strawberry.type(type(f"{m.name}Mutations", (), fields))


def _builder(m: EntryMutations, payload: type) -> Callable[..., Awaitable[Any]]:
    async def build(write: Awaitable[Row[Any]], root: str | None = "input") -> Any:
        return written_payload(payload, m, await attempt(write, root))

    return build


def written_payload(
    payload: type, m: EntryMutations, outcome: tuple[Row[Any] | None, list[UserError]]
) -> Any:
    """The payload of a write: the entry as it wrote it, or the user errors that stopped it.

    The entry's own fields come from the written row; its relations are read after the commit.
    """
    row, errors = outcome
    entry = None if row is None else from_fields(m.node, as_read(m.columns, row))
    return payload(**{m.noun: entry, "user_errors": errors})


def _edits(m: EntryMutations, payload: type) -> dict[str, Any]:
    build, id_type, spec = _builder(m, payload), _id_argument(m.noun), m.spec
    fields: dict[str, Any] = {}

    async def create(info: Info, input: m.input) -> payload:  # noqa: A002
        require_role(info.context.viewer, m.writers, f"create {m.noun}s")
        return await build(create_entry(info.context, spec, given_fields(input)))

    async def update(
        info: Info,
        id: id_type,  # noqa: A002
        input: m.input,  # noqa: A002
        expected_version: ExpectedVersion = None,
    ) -> payload:
        require_role(info.context.viewer, m.writers, f"update {m.noun}s")
        pk, given = entry_id(id, m.name), given_fields(input)
        return await build(update_entry(info.context, spec, pk, given, expected_version))

    async def update_unversioned(
        info: Info,
        id: id_type,  # noqa: A002
        input: m.input,  # noqa: A002
    ) -> payload:
        return await update(info, id, input)

    async def delete(info: Info, id: id_type) -> DeletePayload:  # noqa: A002
        require_role(info.context.viewer, m.writers, f"delete {m.noun}s")
        pk = entry_id(id, m.name)
        remove = m.delete(info.context, pk) if m.delete else delete_entry(info.context, spec, pk)
        return await deletion(m.name, remove)

    if m.creates:
        fields[f"create_{m.noun}"] = strawberry.mutation(
            resolver=create,
            description=f"Create {m.a_noun}{' as a draft' if m.publishers else ''}, "
            "checked whole before anything is written.",
        )
    # Only types that carry a `version` can be edited against one (assets carry none).
    fields[f"update_{m.noun}"] = strawberry.mutation(
        resolver=update if spec.versioned else update_unversioned,
        description=f"Change {m.a_noun}: omitted fields stay unchanged"
        + (", and a stale `expectedVersion` is a CONFLICT user error." if spec.versioned else "."),
    )
    fields[f"delete_{m.noun}"] = strawberry.mutation(
        resolver=delete, description=_DELETED.get(m.name, f"Delete {m.a_noun}.")
    )
    return fields


_DELETED = {
    "Post": "Delete a post; its revisions are kept, so it can be restored.",
    "Page": "Delete a page without child pages; its revisions are kept for restoring.",
    "Author": "Delete an author who is no post's main author; revisions are kept.",
    "Tag": "Delete a tag: it comes off every post that carries it.",
    "Asset": "Delete an asset and its file; entries that used it lose it.",
}


def _life_cycle(m: EntryMutations, payload: type) -> dict[str, Any]:
    build, id_type, spec = _builder(m, payload), _id_argument(m.noun), m.spec
    publishers = m.publishers or frozenset()

    async def publish(info: Info, id: id_type, at: PublishAt = None) -> payload:  # noqa: A002
        require_role(info.context.viewer, publishers, f"publish {m.noun}s")
        pk, when = entry_id(id, m.name), publication_date(at)
        return await build(publish_entry(info.context, spec, pk, when), None)

    async def unpublish(info: Info, id: id_type) -> payload:  # noqa: A002
        require_role(info.context.viewer, publishers, f"unpublish {m.noun}s")
        return await build(unpublish_entry(info.context, spec, entry_id(id, m.name)), None)

    async def restore(info: Info, id: id_type, version: RevisionVersion) -> payload:  # noqa: A002
        require_role(info.context.viewer, m.writers, f"restore {m.noun}s")
        pk = entry_id(id, m.name)
        return await build(restore_entry(info.context, spec, pk, version, UNPUBLISHED), None)

    return {
        f"publish_{m.noun}": strawberry.mutation(
            resolver=publish,
            description=f"Publish a {m.noun} now, or at `at`: a future date schedules it, "
            "and it goes live on time with no job running.",
        ),
        f"unpublish_{m.noun}": strawberry.mutation(
            resolver=unpublish,
            description=f"Take a {m.noun} back to draft: hidden from the public at once.",
        ),
        f"restore_{m.noun}_revision": strawberry.mutation(
            resolver=restore,
            description=f"Bring back a {m.noun}'s content from one of its revisions; a "
            "deleted one comes back as a draft.",
        ),
    }
