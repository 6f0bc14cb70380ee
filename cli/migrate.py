"""`masthead migrate`: apply every pending Alembic migration."""

from __future__ import annotations

import argparse
from typing import Any

from masthead.migrations.runner import upgrade
from masthead.settings import get_settings


def register(commands: Any) -> None:
    """Add the `migrate` sub-command."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "migrate", help="apply database migrations"
    )
    parser.add_argument("--revision", default="head", help="target revision (default: head)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Upgrade the configured database."""
    upgrade(get_settings().database_url, args.revision)
    return 0
