"""`masthead token create|list|revoke`: API tokens, printed once and stored only as a hash."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from masthead.cli.database_access import migrated_engine
from masthead.cli.main import CommandError
from masthead.models import ROLES
from masthead.resolvers.token import TokenError, create_token, list_tokens, revoke_token


def register(commands: Any) -> None:
    """Add `token` with its `create`, `list` and `revoke` sub-commands."""
    token: argparse.ArgumentParser = commands.add_parser("token", help="manage API tokens")
    actions = token.add_subparsers(
        dest="action", required=True, metavar="ACTION", parser_class=type(token)
    )
    create = actions.add_parser("create", help="create a token and print it (shown once)")
    create.add_argument("--role", required=True, choices=ROLES, help="what the token may do")
    create.add_argument("--author", metavar="SLUG", help="the author an `author` token writes as")
    create.add_argument("--name", help="a unique name (default: role and random suffix)")
    create.set_defaults(handler=lambda args: asyncio.run(_create(args)))
    actions.add_parser("list", help="list tokens (never their secrets)").set_defaults(
        handler=lambda _args: asyncio.run(_list())
    )
    revoke = actions.add_parser("revoke", help="revoke a token by name")
    revoke.add_argument("name", help="the token's name")
    revoke.set_defaults(handler=lambda args: asyncio.run(_revoke(args.name)))


async def _create(args: argparse.Namespace) -> int:
    async with migrated_engine() as engine:
        try:
            info, secret = await create_token(
                engine, role=args.role, name=args.name, author_slug=args.author
            )
        except TokenError as error:
            message = f"--{error.field}: {error}"
            raise CommandError(message) from error
    author = f" for author {info.author}" if info.author else ""
    print(f"created {info.role} token {info.name!r}{author}; it is shown once, keep it now:")
    print(secret)
    return 0


async def _list() -> int:
    async with migrated_engine() as engine:
        infos = await list_tokens(engine)
    print(f"{'NAME':<24} {'ROLE':<8} {'AUTHOR':<20} {'CREATED':<25} STATUS")
    for info in infos:
        status = f"revoked {info.revoked_at:%Y-%m-%d %H:%M}" if info.revoked_at else "active"
        created = f"{info.created_at:%Y-%m-%d %H:%M:%S %Z}"
        print(f"{info.name:<24} {info.role:<8} {info.author or '-':<20} {created:<25} {status}")
    return 0


async def _revoke(name: str) -> int:
    async with migrated_engine() as engine:
        try:
            await revoke_token(engine, name)
        except TokenError as error:
            raise CommandError(str(error)) from error
    print(f"revoked token {name!r}")
    return 0
