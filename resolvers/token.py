"""API tokens: created with a role (and an author for `author`), stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import ROLES, ApiToken, Author, table_of, utcnow
from masthead.resolvers.core.context import Viewer

tokens = table_of(ApiToken)
authors = table_of(Author)
PREFIX = "mh_"


class TokenError(ValueError):
    """A token request that cannot be carried out; the message says why."""


@dataclass(frozen=True)
class TokenInfo:
    """What `token list` shows: never the secret."""

    name: str
    role: str
    author: str | None
    created_at: datetime
    revoked_at: datetime | None


def hash_token(secret: str) -> str:
    """The stored form of a token: SHA-256 (tokens are random, so no salt or stretching)."""
    return hashlib.sha256(secret.encode()).hexdigest()


async def viewer_for_token(engine: AsyncEngine, secret: str) -> Viewer | None:
    """The viewer a bearer token stands for; None when it is unknown or revoked."""
    statement = select(tokens.c.role, tokens.c.name, tokens.c.author_id).where(
        tokens.c.token_hash == hash_token(secret), tokens.c.revoked_at.is_(None)
    )
    async with engine.connect() as connection:
        row = (await connection.execute(statement)).first()
    if row is None:
        return None
    return Viewer(role=row.role, token_name=row.name, author_id=row.author_id)


async def _author_id(engine: AsyncEngine, role: str, author_slug: str | None) -> int | None:
    if role == "author" and author_slug is None:
        msg = "the author role needs --author SLUG: whose posts may this token write?"
        raise TokenError(msg)
    if author_slug is None:
        return None
    async with engine.connect() as connection:
        found = await connection.scalar(select(authors.c.id).where(authors.c.slug == author_slug))
    if found is None:
        msg = f'no author with slug "{author_slug}"'
        raise TokenError(msg)
    return int(found)


async def create_token(
    engine: AsyncEngine, *, role: str, name: str | None = None, author_slug: str | None = None
) -> tuple[TokenInfo, str]:
    """A new token and its secret, which is shown once and never stored."""
    if role not in ROLES:
        msg = f'unknown role "{role}": choose one of {", ".join(ROLES)}'
        raise TokenError(msg)
    author_id = await _author_id(engine, role, author_slug)
    secret = PREFIX + secrets.token_urlsafe(32)
    name = name or f"{role}-{secrets.token_hex(4)}"
    values = {"name": name, "role": role, "author_id": author_id, "token_hash": hash_token(secret)}
    try:
        async with engine.begin() as connection:
            created = (await connection.execute(
                insert(tokens).values(**values, created_at=utcnow()).returning(tokens.c.created_at)
            )).scalar_one()  # fmt: skip
    except IntegrityError as error:
        msg = f'a token named "{name}" already exists'
        raise TokenError(msg) from error
    return TokenInfo(name, role, author_slug, created, None), secret


async def list_tokens(engine: AsyncEngine) -> list[TokenInfo]:
    """Every token, oldest first, with its role, author and whether it is revoked."""
    statement = (
        select(tokens, authors.c.slug)
        .outerjoin(authors, authors.c.id == tokens.c.author_id)
        .order_by(tokens.c.id)
    )
    async with engine.connect() as connection:
        rows = (await connection.execute(statement)).all()
    return [TokenInfo(r.name, r.role, r.slug, r.created_at, r.revoked_at) for r in rows]


async def revoke_token(engine: AsyncEngine, name: str) -> None:
    """Revoke a token by name: every later request with it is refused."""
    statement = (
        update(tokens)
        .where(tokens.c.name == name, tokens.c.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    async with engine.begin() as connection:
        result = await connection.execute(statement)
    if result.rowcount == 0:
        msg = f'no active token named "{name}"'
        raise TokenError(msg)
