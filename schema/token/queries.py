"""Root query of API tokens (admins only): `tokens`."""

from __future__ import annotations

import strawberry

from masthead.resolvers.core.access import ADMINS, require_role
from masthead.resolvers.token import listed_tokens
from masthead.schema.core.context import Info
from masthead.schema.core.directives import LIST_SIZE
from masthead.schema.token.types import ApiToken, build_token


@strawberry.type
class TokenQueries:
    """`tokens`."""

    @strawberry.field(
        description="Every API token, oldest first, revoked ones included (admins only).",
        directives=[LIST_SIZE],
    )
    async def tokens(self, info: Info) -> list[ApiToken]:
        """One statement; never a secret nor its hash."""
        require_role(info.context.viewer, ADMINS, "manage tokens")
        return [build_token(token) for token in await listed_tokens(info.context)]
