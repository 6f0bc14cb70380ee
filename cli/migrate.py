"""`masthead migrate`: apply every pending Alembic migration, creating the database on request."""

from __future__ import annotations

import argparse
import asyncio
import re
from typing import Any

from alembic.util import CommandError as AlembicError
from sqlalchemy.engine import URL, make_url

from masthead.cli.database_access import (
    database_errors,
    first_line,
    location,
    sqlite_file,
)
from masthead.cli.main import CommandError
from masthead.migrations.runner import create_database, head_revision, is_known_revision, upgrade
from masthead.settings import get_settings

PLAIN_REVISION = re.compile(r"\w+")
UNKNOWN_REVISION = re.compile(r"Can't locate revision identified by '([^']*)'")


def register(commands: Any) -> None:
    """Add the `migrate` sub-command."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "migrate", help="apply database migrations"
    )
    parser.add_argument(
        "--revision", default="head", type=_revision, help="target revision (default: head)"
    )
    parser.add_argument(
        "--create-database",
        action="store_true",
        help="first create the database (PostgreSQL) or its folder (SQLite) when missing",
    )
    parser.set_defaults(handler=run)


def _revision(text: str) -> str:
    if not text.strip():
        msg = "must name a revision"
        raise argparse.ArgumentTypeError(msg)
    return text


def run(args: argparse.Namespace) -> int:
    """Upgrade the configured database, after creating it when asked."""
    url = get_settings().database_url
    if PLAIN_REVISION.fullmatch(args.revision) and not is_known_revision(args.revision):
        raise CommandError(_unknown_revision(args.revision))
    if args.create_database:
        _create(make_url(url))
    _refuse_missing_folder(make_url(url))
    with database_errors(url):
        try:
            upgrade(url, args.revision)
        except AlembicError as error:
            raise CommandError(_revision_refused(error, args.revision)) from error
    return 0


def _create(url: URL) -> None:
    path = sqlite_file(url)
    if path is not None and not path.parent.is_dir():
        try:
            path.parent.mkdir(parents=True)
        except OSError as error:
            msg = f"cannot create the folder {path.parent}: {error.strerror or first_line(error)}"
            raise CommandError(msg) from error
        print(f"Created the folder {path.parent}.")
    if url.get_backend_name() == "postgresql":
        with database_errors(url):
            created = asyncio.run(create_database(url.render_as_string(hide_password=False)))
        if created:
            print(f'Created the database "{url.database}" on {location(url)}.')


def _refuse_missing_folder(url: URL) -> None:
    path = sqlite_file(url)
    if path is not None and not path.parent.is_dir():
        msg = (
            f"the folder {path.parent.resolve()} of the SQLite database {path} does not exist: "
            "create it, or run `masthead migrate --create-database`"
        )
        raise CommandError(msg)


def _unknown_revision(revision: str) -> str:
    return f"unknown revision {revision!r} (known head: {head_revision()!r})"


def _revision_refused(error: AlembicError, revision: str) -> str:
    missing = UNKNOWN_REVISION.search(str(error))
    if missing is None:
        return f"cannot migrate to {revision!r}: {first_line(error)}"
    if missing.group(1) in revision:
        return _unknown_revision(missing.group(1))
    return (
        f"the database is at revision {missing.group(1)!r}, which this version of Masthead "
        f"does not know (known head: {head_revision()!r}): was it migrated by a newer version?"
    )
