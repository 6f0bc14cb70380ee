"""Entry point of the `masthead` command: one sub-command per module in `cli/`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from importlib import import_module
from typing import NoReturn

from masthead import __version__
from masthead.settings import SettingsError

COMMAND_MODULES = (
    "masthead.cli.serve",
    "masthead.cli.migrate",
    "masthead.cli.seed",
    "masthead.cli.content_io",
    "masthead.cli.schema_print",
    "masthead.cli.token",
)


class CommandError(Exception):
    """A failure the user can act on: printed as one line, exit status 1."""


Handler = Callable[[argparse.Namespace], int]


class OneLineParser(argparse.ArgumentParser):
    """Bad arguments are one line on standard error (with a hint at `--help`), exit 2."""

    def error(self, message: str) -> NoReturn:
        """Print `<prog>: <message> (see --help)` and exit with status 2."""
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser with every sub-command registered by its module's `register`."""
    parser = OneLineParser(prog="masthead", description="Masthead content backend")
    parser.add_argument("--version", action="version", version=f"masthead {__version__}")
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=OneLineParser
    )
    for name in COMMAND_MODULES:
        import_module(name).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; bad input exits non-zero with a one-line message."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # `--help`, or bad arguments already explained in one line
        return stop.code if isinstance(stop.code, int) else 2
    handler: Handler = args.handler
    try:
        return handler(args)
    except CommandError as error:
        print(f"masthead {args.command}: {error}", file=sys.stderr)
        return 1
    except SettingsError as error:
        print(f"masthead: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader left (`masthead export | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
