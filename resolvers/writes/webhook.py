"""Writing webhooks: checked whole before anything is written; no content event is recorded.

A hook's URL is checked by the caller's `check_url` (the events package's address check,
handed in by the schema, since this layer sits below it) before the write starts: it may
resolve a host name, which must not happen while the write lock is held.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import Any

from sqlalchemy import Row, delete, insert, update

from masthead.interchange.fields import Parser, boolean, reject, text
from masthead.models import Webhook, table_of
from masthead.resolvers.core.changes import CONTENT_TYPES, TOLD
from masthead.resolvers.core.context import ReadContext
from masthead.resolvers.core.entity import EntitySpec, Rule, missing_required, parse_input
from masthead.resolvers.core.writes import Problems, Rejected, write_transaction

webhooks = table_of(Webhook)
# Raises a ValueError whose message says why Masthead must not call the URL.
UrlCheck = Callable[[str], Awaitable[object]]
SECRET_PREFIX = "whsec_"  # noqa: S105 (the Standard Webhooks prefix, not a secret)
SECRET_BYTES = 32
KEY_SIZES = range(24, 65)
SECRET_FORM = (
    f"must be {SECRET_PREFIX} followed by the base64 of 24 to 64 random bytes "
    "(leave it out and one is generated)"
)


def new_secret() -> str:
    """A signing secret in the Standard Webhooks form: `whsec_` and base64 of 32 bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret(value: object) -> str:
    """A given signing secret: it must be a key a Standard Webhooks library accepts."""
    if not isinstance(value, str) or not value.startswith(SECRET_PREFIX):
        reject(SECRET_FORM)
    try:
        key = base64.b64decode(value.removeprefix(SECRET_PREFIX), validate=True)
    except binascii.Error:
        reject(SECRET_FORM)
    if len(key) not in KEY_SIZES:
        reject(SECRET_FORM)
    return value


def names(allowed: Collection[str]) -> Parser:
    """A list of enum names, each once, in the order given; null or empty means all."""

    def parse(value: object) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list) or any(item not in allowed for item in value):
            reject(f"must be a list of {', '.join(allowed)}")
        return list(dict.fromkeys(value))

    return parse


WEBHOOK_WRITES = EntitySpec(
    name="Webhook",
    table=webhooks,
    rules={
        "url": Rule("url", ("url",), text(max_length=2000), required=True),
        "secret": Rule("secret", ("secret",), secret, required=True),
        "types": Rule("types", ("types",), names(tuple(CONTENT_TYPES))),
        "actions": Rule("actions", ("actions",), names(tuple(dict.fromkeys(TOLD.values())))),
        "include_drafts": Rule("include_drafts", ("includeDrafts",), boolean),
        "active": Rule("active", ("active",), boolean),
        "description": Rule("description", ("description",), text(max_length=1000, nullable=True)),
    },
    keeps_revisions=False,
)


async def _checked(
    given: Mapping[str, Any], check_url: UrlCheck, problems: Problems
) -> dict[str, Any]:
    """The column values of the given fields, with every problem found; none means valid."""
    values, _, _ = parse_input(WEBHOOK_WRITES, given, problems)
    if values.get("url") is not None:
        try:
            await check_url(values["url"])
        except ValueError as refused:
            problems.add("url", "INVALID", str(refused))
    if problems:
        raise Rejected(problems.items)
    return values


def _not_found() -> Rejected:
    return Rejected.one(path="id", code="NOT_FOUND", message="no webhook has this ID")


async def create_webhook(
    ctx: ReadContext, *, given: Mapping[str, Any], check_url: UrlCheck
) -> Row[Any]:
    """A new hook (the row as stored, secret included); a secret is generated when omitted."""
    defaults = {"secret": new_secret(), "include_drafts": False, "active": True}
    given = {**defaults, "types": [], "actions": [], **given}
    problems = Problems()
    missing_required(WEBHOOK_WRITES, given, problems)
    values = await _checked(given, check_url, problems)
    async with write_transaction(ctx) as connection:
        return (await connection.execute(
            insert(webhooks).values(
                consecutive_failures=0, **values,
                created_at=ctx.now, updated_at=ctx.now,
            ).returning(*webhooks.c)
        )).one()  # fmt: skip


async def update_webhook(
    ctx: ReadContext, *, pk: int, given: Mapping[str, Any], check_url: UrlCheck
) -> Row[Any]:
    """Change the given fields of a hook; switching it on clears why it was disabled."""
    values = await _checked(given, check_url, Problems())
    if values.get("active"):
        values |= {"disabled_reason": None, "consecutive_failures": 0}
    statement = update(webhooks).where(webhooks.c.id == pk)
    async with write_transaction(ctx) as connection:
        row = (await connection.execute(
            statement.values(**values, updated_at=ctx.now).returning(*webhooks.c)
        )).one_or_none()  # fmt: skip
        if row is None:
            raise _not_found()
    return row


async def delete_webhook(ctx: ReadContext, *, pk: int) -> int:
    """Delete a hook and its deliveries (pending ones are never sent)."""
    statement = delete(webhooks).where(webhooks.c.id == pk).returning(webhooks.c.id)
    async with write_transaction(ctx) as connection:
        if (await connection.execute(statement)).one_or_none() is None:
            raise _not_found()
    return pk
