"""API tokens through the management API: the command line's checks, as user problems."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection

from masthead.resolvers.core.context import ReadContext
from masthead.resolvers.core.entity import decode_reference
from masthead.resolvers.core.writes import Problems, Rejected, write_transaction
from masthead.resolvers.token import TokenError, TokenInfo, add_token, end_token


@asynccontextmanager
async def _token_write(ctx: ReadContext) -> AsyncIterator[AsyncConnection]:
    """One write transaction in which a `TokenError` becomes the user problem it names."""
    try:
        async with write_transaction(ctx) as connection:
            yield connection
    except TokenError as error:
        raise Rejected.one(path=error.field, code=error.code, message=str(error)) from error


async def create_api_token(
    ctx: ReadContext, *, role: str, name: str | None, author: str | None
) -> tuple[TokenInfo, str]:
    """A new token and its secret (returned once, stored only as a hash)."""
    problems = Problems()
    author_id = None if author is None else decode_reference("author", author, "Author", problems)
    if problems:
        raise Rejected(problems.items)
    async with _token_write(ctx) as connection:
        return await add_token(connection, role=role, name=name, author_id=author_id, now=ctx.now)


async def revoke_api_token(ctx: ReadContext, *, name: str) -> TokenInfo:
    """Revoke an active token by name: every later request with it is refused."""
    async with _token_write(ctx) as connection:
        return await end_token(connection, name=name, now=ctx.now)
