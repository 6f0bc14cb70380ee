"""The journal against the store: acknowledged writes in their revisions, deleted posts gone."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from masthead.models import Post, Revision, table_of
from soak.journal import Ack, Journal
from soak.store import engine_for

CHUNK = 500
posts = table_of(Post)
revisions = table_of(Revision)


@dataclass
class Verdict:
    """What the store holds of the journal: the writes and deletes checked, and the misses."""

    writes: int = 0
    missing: list[str] = field(default_factory=list)
    deletes: int = 0
    not_gone: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Stored:
    """A post's revisions by version (action and snapshot) and its row's version, if any."""

    revisions: dict[tuple[int, int], tuple[str, dict[str, Any]]]
    versions: dict[int, int]


def _chunks(keys: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(keys)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


async def _stored(connection: AsyncConnection, pks: set[int]) -> Stored:
    stored = Stored({}, {})
    for chunk in _chunks(pks):
        found = await connection.execute(
            select(revisions.c.entity_id, revisions.c.version, revisions.c.action,
                   revisions.c.snapshot)
            .where(revisions.c.entity_type == "Post", revisions.c.entity_id.in_(chunk))
        )  # fmt: skip
        for pk, version, action, snapshot in found:
            stored.revisions[(pk, version)] = (action, snapshot)
        rows = await connection.execute(
            select(posts.c.id, posts.c.version).where(posts.c.id.in_(chunk))
        )
        stored.versions.update((pk, version) for pk, version in rows)
    return stored


def _revision_problem(ack: Ack, stored: Stored) -> str | None:
    """How the revision of an acknowledged version differs from the acknowledgment."""
    where = f"{ack.action} of post {ack.pk} v{ack.version}"
    found = stored.revisions.get((ack.pk, ack.version))
    if found is None:
        return f"{where}: no such revision"
    action, snapshot = found
    held = (action, snapshot.get("title"), snapshot.get("body"), snapshot.get("status"))
    if held != (ack.action, ack.title, ack.body, ack.status):
        return f"{where}: acknowledged {ack.title!r} ({ack.status}), stored {held}"
    return None


def _present_problems(journal: Journal, stored: Stored) -> Iterator[str]:
    """Posts with an acknowledged write, neither deleted nor maybe deleted, that lack it."""
    newest: dict[int, int] = {}
    for ack in journal.acks:
        newest[ack.pk] = max(newest.get(ack.pk, 0), ack.version)
    for pk, version in sorted(newest.items()):
        if pk in journal.deleted or pk in journal.uncertain:
            continue
        held = stored.versions.get(pk)
        if held is None or held < version:
            yield f"post {pk}: acknowledged at version {version}, stored at {held}"


async def verify(url: str, journal: Journal) -> Verdict:
    """Check the journal against the store at `url`."""
    async with engine_for(url) as engine, engine.connect() as connection:
        stored = await _stored(connection, {ack.pk for ack in journal.acks} | set(journal.deleted))
    verdict = Verdict(writes=len(journal.acks), deletes=len(journal.deleted))
    for ack in journal.acks:
        problem = _revision_problem(ack, stored)
        if problem is not None:
            verdict.missing.append(problem)
    verdict.missing.extend(_present_problems(journal, stored))
    verdict.not_gone = [
        f"post {pk} ({slug}): delete acknowledged, still stored at version {stored.versions[pk]}"
        for pk, slug in sorted(journal.deleted.items())
        if pk in stored.versions
    ]
    return verdict
