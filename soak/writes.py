"""An editor's writes: create, update on `expectedVersion` (again on CONFLICT), publish, delete."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from masthead.resolvers.core.ids import decode_id
from soak.documents import CREATE, DELETE, LOOKUP, PUBLISH, UPDATE
from soak.journal import Journal, Sent
from soak.session import Answer, Session

# Among writes: creates outnumber deletes, so the pool of posts to edit grows.
WRITE_MIX = {"create": 3, "update": 5, "publish": 1, "delete": 1}
HOT_POSTS = 8  # updates and publishes pick among the newest posts: writers meet, conflicts happen
UPDATE_ATTEMPTS = 10


@dataclass
class LivePost:
    """A post the soak created and has not deleted; `version`, the newest acknowledged."""

    id: str
    pk: int
    slug: str
    version: int


@dataclass
class Pool:
    """The posts every client of a run may edit."""

    posts: list[LivePost] = field(default_factory=list)

    def hot(self, rng: random.Random) -> LivePost | None:
        """One of the newest posts."""
        return rng.choice(self.posts[-HOT_POSTS:]) if self.posts else None

    def take(self, rng: random.Random) -> LivePost | None:
        """Any post, no longer offered to other clients (it is about to be deleted)."""
        return self.posts.pop(rng.randrange(len(self.posts))) if self.posts else None

    def forget(self, post: LivePost) -> None:
        """A post another client deleted."""
        if post in self.posts:
            self.posts.remove(post)


@dataclass(frozen=True)
class Editor:
    """Who writes, and the author new posts are credited to."""

    headers: dict[str, str]
    author_id: str
    run: str


def _codes(payload: dict[str, Any]) -> list[str]:
    return [str(error.get("code")) for error in payload.get("userErrors") or []]


class Writer:
    """One client's writes, each answer recorded in the run's journal."""

    def __init__(self, session: Session, editor: Editor, pool: Pool, journal: Journal) -> None:
        self.session, self.editor, self.pool, self.journal = session, editor, pool, journal
        self.count = 0

    async def write(self, client: int, rng: random.Random) -> None:
        """One write, chosen by `WRITE_MIX`; a create while there is nothing to edit."""
        action = rng.choices(list(WRITE_MIX), weights=list(WRITE_MIX.values()))[0]
        post = self.pool.take(rng) if action == "delete" else self.pool.hot(rng)
        if post is None or action == "create":
            await self.create(client)
        elif action == "update":
            await self.update(client, post)
        elif action == "publish":
            await self.publish(post)
        else:
            await self.delete(post)

    def _content(self, client: int) -> Sent:
        self.count += 1
        mark = f"{self.editor.run}-{client}-{self.count}"
        return Sent(f"Soak {mark}", f"Written by soak client {client}, write {mark}.")

    async def _send(self, document: str, variables: dict[str, Any]) -> Answer:
        return await self.session.operation("write", document, variables, self.editor.headers)

    def _refused(self, action: str, post: LivePost, payload: dict[str, Any]) -> bool:
        """Whether the write was refused; a post deleted meanwhile leaves the pool."""
        codes = _codes(payload)
        if "NOT_FOUND" in codes:
            self.pool.forget(post)
        self.journal.refused.update(f"{action}: {code}" for code in codes if code != "NOT_FOUND")
        return bool(codes)

    def _acknowledged(self, action: str, post: LivePost, entry: Any, sent: Sent) -> None:
        if not isinstance(entry, dict):
            self.journal.entry_missing(action, post.pk)
            return
        ack = self.journal.acknowledge(action, post.pk, entry, sent)
        if entry.get("id") != post.id:
            self.journal.untruthful.append(f"{action} of post {post.pk}: answered {entry['id']}")
        post.version = max(post.version, ack.version)

    async def create(self, client: int) -> None:
        """A new draft with a slug of its own."""
        sent = self._content(client)
        slug = f"soak-{self.editor.run}-{client}-{self.count}"
        fields = {"slug": slug, "title": sent.title, "body": sent.body}
        answer = await self._send(CREATE, {"input": {**fields, "author": self.editor.author_id}})
        payload = answer.field("createPost")
        if payload is None or _codes(payload):
            self.journal.refused.update(f"create: {code}" for code in _codes(payload or {}))
            return
        entry = payload.get("post")
        pk = decode_id(entry["id"], "Post") if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or pk is None:
            self.journal.untruthful.append(f"create of {slug}: answered no post and no user error")
            return
        post = LivePost(entry["id"], pk, slug, 0)
        self._acknowledged("create", post, entry, Sent(sent.title, sent.body, version=1))
        self.pool.posts.append(post)

    async def update(self, client: int, post: LivePost) -> None:
        """New title and body on the version last seen; on CONFLICT, read it again and retry."""
        sent = self._content(client)
        for _attempt in range(UPDATE_ATTEMPTS):
            expected = post.version
            fields = {"title": sent.title, "body": sent.body}
            variables = {"id": post.id, "input": fields, "expectedVersion": expected}
            payload = (await self._send(UPDATE, variables)).field("updatePost")
            if payload is None:
                return
            if _codes(payload) == ["CONFLICT"]:
                self.journal.conflicts += 1
                if await self._reread(post):
                    continue
                return
            if not self._refused("update", post, payload):
                made = Sent(sent.title, sent.body, version=expected + 1)
                self._acknowledged("update", post, payload.get("post"), made)
            return

    async def _reread(self, post: LivePost) -> bool:
        """The post's current version; False when it is gone or the read failed."""
        answer = await self.session.operation(
            "lookup", LOOKUP, {"id": post.id}, self.editor.headers
        )
        found = answer.field("post")
        if found is None:
            if answer.failure is None:
                self.pool.forget(post)
            return False
        post.version = int(found["version"])
        return True

    async def publish(self, post: LivePost) -> None:
        """Publish now: its answer must be a later version than any known before."""
        known = post.version
        payload = (await self._send(PUBLISH, {"id": post.id})).field("publishPost")
        if payload is not None and not self._refused("publish", post, payload):
            self._acknowledged("publish", post, payload.get("post"), Sent(after=known))

    async def delete(self, post: LivePost) -> None:
        """Delete a post no other client is offered any more."""
        self.journal.delete_sent(post.pk)
        payload = (await self._send(DELETE, {"id": post.id})).field("deletePost")
        if payload is not None and not self._refused("delete", post, payload):
            self.journal.delete_answered(post.pk, post.slug, payload.get("deletedId"), post.id)
