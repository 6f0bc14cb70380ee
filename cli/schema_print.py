"""`masthead schema`: print the GraphQL SDL (committed as `tests/schema.graphql`)."""

from __future__ import annotations

import argparse
from typing import Any

from masthead.schema.root import build_schema


def register(commands: Any) -> None:
    """Add the `schema` sub-command."""
    parser: argparse.ArgumentParser = commands.add_parser("schema", help="print the GraphQL SDL")
    parser.set_defaults(handler=run)


def run(_args: argparse.Namespace) -> int:
    """Print the SDL."""
    print(build_schema().as_str())
    return 0
