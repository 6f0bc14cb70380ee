"""The `ApiToken` type and its roles: what an admin sees of a token (never its secret)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from masthead.resolvers.token import TokenInfo
from masthead.schema.author.types import Author, load_author
from masthead.schema.core.context import Info, from_fields


@strawberry.enum(description="What a token may do.")
class TokenRole(Enum):
    """The roles of API tokens, each allowing more than the one before."""

    PREVIEW = strawberry.enum_value("preview", description="Reads drafts and scheduled entries.")
    AUTHOR = strawberry.enum_value(
        "author", description="Creates and edits its author's own posts; cannot publish."
    )
    EDITOR = strawberry.enum_value("editor", description="Writes and publishes all content.")
    ADMIN = strawberry.enum_value("admin", description="Also manages tokens and webhooks.")


@strawberry.type(description="An API token: its name, role and state; never its secret.")
class ApiToken:
    """A token as `masthead token list` shows it."""

    author_id: strawberry.Private[int | None]
    name: str = strawberry.field(description="Unique name; revoke the token by it.")
    role: TokenRole = strawberry.field(description="What the token may do.")
    created_at: datetime = strawberry.field(description="When the token was created.")
    revoked_at: datetime | None = strawberry.field(
        description="When it was revoked; null while it works."
    )

    @strawberry.field(description="The author an `author` token writes as.")
    async def author(self, info: Info) -> Author | None:
        """Batched by author id."""
        return await load_author(info, self.author_id)


def build_token(info: TokenInfo) -> ApiToken:
    """The GraphQL object of a token's listing."""
    fields = {"name": info.name, "role": info.role, "author_id": info.author_id,
              "created_at": info.created_at, "revoked_at": info.revoked_at}  # fmt: skip
    return from_fields(ApiToken, fields)
