"""What every mutation shares: `UserError`, its codes, inputs read as given fields, payloads."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar

import strawberry

from masthead.resolvers.core.errors import BadUserInput
from masthead.resolvers.core.ids import decode_id, encode_id
from masthead.resolvers.core.writes import Rejected, UserProblem

T = TypeVar("T")


@strawberry.enum(description="What kind of problem a `UserError` reports.")
class UserErrorCode(Enum):
    """Codes of user errors in mutation payloads."""

    REQUIRED = strawberry.enum_value("REQUIRED", description="A required field is missing.")
    INVALID = strawberry.enum_value("INVALID", description="The value is not acceptable.")
    TAKEN = strawberry.enum_value("TAKEN", description="The value must be unique and is in use.")
    NOT_FOUND = strawberry.enum_value("NOT_FOUND", description="No entry has this ID.")
    TOO_LONG = strawberry.enum_value("TOO_LONG", description="The value is over its size limit.")
    CONFLICT = strawberry.enum_value(
        "CONFLICT", description="Someone else changed the entry first: read it again."
    )
    FORBIDDEN = strawberry.enum_value("FORBIDDEN", description="The token may not set this.")


@strawberry.type(description="A problem with a mutation's input; nothing was written.")
class UserError:
    """One problem, naming the input field at fault."""

    field: list[str] | None = strawberry.field(
        description='Path to the input field, e.g. `["input", "slug"]`.'
    )
    message: str = strawberry.field(description="What is wrong, in words.")
    code: UserErrorCode = strawberry.field(description="What kind of problem it is.")


@strawberry.input(description="Search-engine overrides; each falls back to the entry's own.")
class SeoInput:
    """SEO fields of a post or page."""

    title: str | None = strawberry.field(default=strawberry.UNSET, description="SEO title.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="Meta description."
    )
    canonical_url: str | None = strawberry.field(
        default=strawberry.UNSET, description="Canonical URL (http or https)."
    )
    og_image: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Social image: an Asset ID."
    )


@strawberry.type(description="The result of a delete.")
class DeletePayload:
    """The deleted entry's ID, or why nothing was deleted."""

    deleted_id: strawberry.ID | None = strawberry.field(description="ID of the deleted entry.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was deleted.")


def given_fields(data: Any) -> dict[str, Any]:
    """An input's fields the client gave (omitted ones are UNSET); `seo` flattened."""
    given: dict[str, Any] = {}
    for item in dataclasses.fields(data):
        value = getattr(data, item.name)
        if value is strawberry.UNSET:
            continue
        if isinstance(value, SeoInput):
            given |= {f"seo_{key}": v for key, v in given_fields(value).items()}
        elif value is None and item.name == "seo":
            given |= dict.fromkeys(("seo_title", "seo_description", "seo_canonical_url"))
            given["seo_og_image"] = None
        else:
            given[item.name] = value
    return given


def user_errors(problems: list[UserProblem], root: str | None = "input") -> list[UserError]:
    """User errors under the argument they concern.

    Under `input` when the mutation takes one and the field is not an argument itself;
    the entry's own field otherwise (a restore or publish names the stored field).
    """
    arguments = {"id", "expectedVersion", "version", "at", "file"}
    return [
        UserError(
            field=list(p.field) if root is None or p.field[0] in arguments else [root, *p.field],
            message=p.message,
            code=UserErrorCode(p.code),
        )
        for p in problems
    ]


async def attempt(
    write: Awaitable[T], root: str | None = "input"
) -> tuple[T | None, list[UserError]]:
    """Run one write: what it returned (the row it wrote), or the user errors that stopped it."""
    try:
        return await write, []
    except Rejected as rejected:
        return None, user_errors(rejected.problems, root)


async def deletion(type_name: str, write: Awaitable[int]) -> DeletePayload:
    """The payload of a delete."""
    pk, errors = await attempt(write)
    deleted = None if pk is None else strawberry.ID(encode_id(type_name, pk))
    return DeletePayload(deleted_id=deleted, user_errors=errors)


def entry_id(global_id: str, type_name: str) -> int:
    """The primary key in an ID argument; another type's ID is bad input."""
    pk = decode_id(global_id, type_name)
    if pk is None:
        msg = f"{global_id!r} is not the ID of a {type_name}"
        raise BadUserInput(msg)
    return pk


def publication_date(at: datetime | None) -> datetime | None:
    """`at` must say its offset: a naive time would be read in nobody's zone."""
    if at is not None and at.tzinfo is None:
        msg = "`at` must carry a UTC offset, like 2030-01-01T09:00:00+00:00"
        raise BadUserInput(msg)
    return at
