"""API tokens: created with a role (and an author for `author`), stored only as a hash.

The command line and the management API share the checks and writes here: each opens its
own transaction and hands the connection in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from masthead.models import ROLES, ApiToken, Author, table_of, utcnow
from masthead.resolvers.core.context import ReadContext, Viewer

tokens = table_of(ApiToken)
authors = table_of(Author)
PREFIX = "mh_"
MAX_NAME = 200


class TokenError(ValueError):
    """A token request that cannot be carried out: the message says why.

    `field` names the input at fault (`name`, `role`, `author`) and `code` the kind of
    problem, as a `UserErrorCode` name.
    """

    def __init__(self, message: str, *, field: str, code: str = "INVALID") -> None:
        super().__init__(message)
        self.field = field
        self.code = code


@dataclass(frozen=True)
class TokenInfo:
    """What `token list` shows: never the secret nor its hash."""

    name: str
    role: str
    author: str | None
    created_at: datetime
    revoked_at: datetime | None
    author_id: int | None = None


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


def _check_name(name: str) -> None:
    if not name.strip():
        msg = "must not be empty"
        raise TokenError(msg, field="name", code="REQUIRED")
    if len(name) > MAX_NAME:
        msg = f"must be at most {MAX_NAME} characters"
        raise TokenError(msg, field="name", code="TOO_LONG")


async def _author_slug(connection: AsyncConnection, role: str, author_id: int | None) -> str | None:
    if role not in ROLES:
        msg = f'unknown role "{role}": choose one of {", ".join(ROLES)}'
        raise TokenError(msg, field="role")
    if role != "author":
        if author_id is not None:
            msg = "is only for the author role"
            raise TokenError(msg, field="author")
        return None
    if author_id is None:
        msg = "is required for the author role: whose posts may this token write?"
        raise TokenError(msg, field="author", code="REQUIRED")
    slug = await connection.scalar(select(authors.c.slug).where(authors.c.id == author_id))
    if slug is None:
        msg = "no author has this ID"
        raise TokenError(msg, field="author", code="NOT_FOUND")
    return str(slug)


async def add_token(
    connection: AsyncConnection, *, role: str, name: str | None, author_id: int | None,
    now: datetime,
) -> tuple[TokenInfo, str]:  # fmt: skip
    """Check and insert a token in the caller's transaction; its secret is returned once."""
    name = f"{role}-{secrets.token_hex(4)}" if name is None else name
    _check_name(name)
    author = await _author_slug(connection, role, author_id)
    taken = TokenError(f'"{name}" is already taken by another token', field="name", code="TAKEN")
    if await connection.scalar(select(tokens.c.id).where(tokens.c.name == name)) is not None:
        raise taken
    secret = PREFIX + secrets.token_urlsafe(32)
    values = {"name": name, "role": role, "author_id": author_id, "token_hash": hash_token(secret)}
    try:
        await connection.execute(insert(tokens).values(**values, created_at=now))
    except IntegrityError as error:  # a concurrent writer took the name first
        raise taken from error
    return TokenInfo(name, role, author, now, None, author_id), secret


async def create_token(
    engine: AsyncEngine, *, role: str, name: str | None = None, author_slug: str | None = None
) -> tuple[TokenInfo, str]:
    """A new token for the command line, its author named by slug; the secret shown once."""
    async with engine.begin() as connection:
        author_id = None
        if author_slug is not None:
            found = await connection.scalar(
                select(authors.c.id).where(authors.c.slug == author_slug)
            )
            if found is None:
                msg = f'no author with slug "{author_slug}"'
                raise TokenError(msg, field="author", code="NOT_FOUND")
            author_id = int(found)
        return await add_token(connection, role=role, name=name, author_id=author_id, now=utcnow())


def token_listing() -> Select[Any]:
    """Every token, oldest first, with its role, author and when it was revoked."""
    return (
        select(tokens.c.name, tokens.c.role, authors.c.slug.label("author"), tokens.c.created_at,
               tokens.c.revoked_at, tokens.c.author_id)
        .outerjoin(authors, authors.c.id == tokens.c.author_id)
        .order_by(tokens.c.id)
    )  # fmt: skip


async def list_tokens(engine: AsyncEngine) -> list[TokenInfo]:
    """Every token, oldest first, with its role, author and whether it is revoked."""
    async with engine.connect() as connection:
        rows = (await connection.execute(token_listing())).all()
    return [TokenInfo(**row._asdict()) for row in rows]


async def end_token(connection: AsyncConnection, *, name: str, now: datetime) -> TokenInfo:
    """Revoke an active token in the caller's transaction: every later request is refused."""
    statement = (
        update(tokens)
        .where(tokens.c.name == name, tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
        .returning(tokens.c.id)
    )
    if (await connection.execute(statement)).one_or_none() is None:
        msg = f'no active token named "{name}"'
        raise TokenError(msg, field="name", code="NOT_FOUND")
    listed = token_listing().where(tokens.c.name == name)
    return TokenInfo(**(await connection.execute(listed)).one()._asdict())


async def revoke_token(engine: AsyncEngine, name: str) -> None:
    """Revoke a token by name from the command line."""
    async with engine.begin() as connection:
        await end_token(connection, name=name, now=utcnow())


async def listed_tokens(ctx: ReadContext) -> list[TokenInfo]:
    """Every token, as `list_tokens` gives them, read on the operation's connection."""
    return [TokenInfo(**row._asdict()) for row in await ctx.rows(token_listing())]
