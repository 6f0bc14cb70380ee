"""Mutations of API tokens (admins only): create, with the secret shown once, and revoke."""

from __future__ import annotations

from typing import Annotated

import strawberry

from masthead.resolvers.core.access import ADMINS, require_role
from masthead.resolvers.writes.token import create_api_token, revoke_api_token
from masthead.schema.core.context import Info
from masthead.schema.core.mutations import UserError, attempt
from masthead.schema.token.types import ApiToken, TokenRole, build_token


@strawberry.input(description="A new API token.")
class TokenInput:
    """A token's name, role and, for the author role, its author."""

    role: TokenRole = strawberry.field(description="What the token may do.")
    name: str | None = strawberry.field(
        default=None, description="Unique name (default: the role and a random suffix)."
    )
    author: strawberry.ID | None = strawberry.field(
        default=None, description="The Author an `author` token writes as (that role only)."
    )


@strawberry.type(description="A new token and its secret, or why none was created.")
class CreateTokenPayload:
    """Result of `createToken`."""

    token: ApiToken | None = strawberry.field(description="The token created.")
    secret: str | None = strawberry.field(
        description="The bearer token itself: shown this once, stored only as a hash."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing was written.")


@strawberry.type(description="The token a mutation changed, or why nothing changed.")
class TokenPayload:
    """Result of `revokeToken`."""

    token: ApiToken | None = strawberry.field(description="The token after the change.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was written.")


@strawberry.type
class TokenMutations:
    """Writes of API tokens."""

    @strawberry.mutation(description="Create an API token; its secret is in the payload, once.")
    async def create_token(self, info: Info, input: TokenInput) -> CreateTokenPayload:  # noqa: A002
        """Admins only; a taken name is TAKEN, an author role without author REQUIRED."""
        require_role(info.context.viewer, ADMINS, "manage tokens")
        write = create_api_token(
            info.context, role=str(input.role.value), name=input.name, author=input.author
        )
        created, errors = await attempt(write)
        if created is None:
            return CreateTokenPayload(token=None, secret=None, user_errors=errors)
        token, secret = created
        return CreateTokenPayload(token=build_token(token), secret=secret, user_errors=[])

    @strawberry.mutation(
        description="Revoke a token by name: every later request with it is refused."
    )
    async def revoke_token(
        self,
        info: Info,
        name: Annotated[str, strawberry.argument(description="The token's name.")],
    ) -> TokenPayload:
        """Admins only; an unknown or already revoked name is NOT_FOUND."""
        require_role(info.context.viewer, ADMINS, "manage tokens")
        revoked, errors = await attempt(revoke_api_token(info.context, name=name), None)
        return TokenPayload(
            token=None if revoked is None else build_token(revoked), user_errors=errors
        )
