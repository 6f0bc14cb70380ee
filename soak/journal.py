"""The client-side journal: each acknowledged write, checked on arrival against what was sent."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

PUBLISHED = "PUBLISHED"


@dataclass(frozen=True)
class Ack:
    """An acknowledged write: the post's state as the mutation's answer described it."""

    action: str
    pk: int
    version: int
    title: str
    body: str
    status: str


@dataclass(frozen=True)
class Sent:
    """What a write asked for, so its answer can be held to it.

    `version` is the version the write must have made (1 for a create, the expected one
    plus 1 for an update); `after`, a version known to be committed before it was sent.
    """

    title: str | None = None
    body: str | None = None
    version: int | None = None
    after: int = 0


def _contradictions(action: str, ack: Ack, sent: Sent) -> list[str]:
    """Where an acknowledgment says something its write cannot have done."""
    problems = []
    if sent.version is not None and ack.version != sent.version:
        problems.append(f"answered version {ack.version}, made {sent.version}")
    if ack.version <= sent.after:
        problems.append(f"answered version {ack.version}, not after {sent.after}")
    if sent.title is not None and (ack.title, ack.body) != (sent.title, sent.body):
        problems.append(f"answered {ack.title!r}, sent {sent.title!r}")
    if action == "publish" and ack.status != PUBLISHED:
        problems.append(f"answered status {ack.status}")
    return problems


@dataclass
class Journal:
    """What the server acknowledged, and what it answered that a write cannot have done."""

    acks: list[Ack] = field(default_factory=list)
    deleted: dict[int, str] = field(default_factory=dict)  # acknowledged deletes: pk, slug
    uncertain: set[int] = field(default_factory=set)  # posts a delete was sent for, unanswered
    untruthful: list[str] = field(default_factory=list)
    refused: Counter[str] = field(default_factory=Counter)  # unexpected user errors
    conflicts: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    async def until_writes(self, count: int) -> None:
        """Return once `count` writes (deletes included) are acknowledged."""
        while self.writes < count:
            self.changed.clear()
            await self.changed.wait()

    def acknowledge(self, action: str, pk: int, entry: dict[str, Any], sent: Sent) -> Ack:
        """Record an acknowledged write, noting where its answer contradicts the write."""
        ack = Ack(action, pk, entry["version"], entry["title"], entry["body"], entry["status"])
        self.acks.append(ack)
        self.changed.set()
        problems = _contradictions(action, ack, sent)
        if problems:
            self.untruthful.append(f"{action} of post {pk}: " + "; ".join(problems))
        return ack

    def entry_missing(self, action: str, pk: int) -> None:
        """A success with neither the entry nor a user error."""
        self.untruthful.append(f"{action} of post {pk}: answered no post and no user error")

    def delete_sent(self, pk: int) -> None:
        """A delete is on its way: until it is answered, the post may or may not be there."""
        self.uncertain.add(pk)

    def delete_answered(self, pk: int, slug: str, deleted_id: str | None, expected_id: str) -> None:
        """A delete answered without user errors: acknowledged if it names the post."""
        self.uncertain.discard(pk)
        if deleted_id == expected_id:
            self.deleted[pk] = slug
            self.changed.set()
        else:
            self.untruthful.append(f"delete of post {pk}: answered deletedId {deleted_id!r}")

    @property
    def writes(self) -> int:
        """Acknowledged writes of every kind, deletes included."""
        return len(self.acks) + len(self.deleted)
