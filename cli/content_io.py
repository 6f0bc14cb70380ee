"""`masthead import FILE` and `masthead export [FILE]`: all content as one JSON document."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import orjson

from masthead.cli.database_access import first_line, migrated_engine
from masthead.cli.main import CommandError
from masthead.interchange import (
    ImportSummary,
    InterchangeError,
    counted,
    export_document,
    import_document,
)

SECTIONS = ("authors", "tags", "assets", "posts", "pages")


def register(commands: Any) -> None:
    """Add the `import` and `export` sub-commands."""
    importer: argparse.ArgumentParser = commands.add_parser(
        "import", help="add the content of a JSON document (all or nothing)"
    )
    importer.add_argument("file", metavar="FILE", help="the document, or - for standard input")
    importer.add_argument(
        "--all-errors",
        action="store_true",
        help="list every problem of a refused document, one per line (default: the first)",
    )
    importer.set_defaults(handler=run_import)
    exporter: argparse.ArgumentParser = commands.add_parser(
        "export", help="write all content as one JSON document"
    )
    exporter.add_argument(
        "file", metavar="FILE", nargs="?", help="where to write (default: standard output)"
    )
    exporter.add_argument(
        "--revisions", action="store_true", help="include every revision of every entry"
    )
    exporter.set_defaults(handler=run_export)


def read_document(name: str) -> object:
    """The parsed JSON of a file, or of standard input for `-`."""
    source = "standard input" if name == "-" else name
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as error:
        msg = f"cannot read {source}: {error.strerror or first_line(error)}"
        raise CommandError(msg) from error
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as error:
        msg = f"{source} is not valid JSON: {first_line(error)}"
        raise CommandError(msg) from error


async def _import(document: object) -> ImportSummary:
    async with migrated_engine() as engine:
        return await import_document(engine, document)


def _first_problem(problems: list[str]) -> str:
    """The first problem, and how many more there are and how to see them."""
    more = len(problems) - 1
    if not more:
        return problems[0]
    return f"{problems[0]} (and {counted(more, 'more problems')}: --all-errors lists every one)"


def run_import(args: argparse.Namespace) -> int:
    """Import a document; a bad one changes nothing."""
    document = read_document(args.file)
    try:
        summary = asyncio.run(_import(document))
    except InterchangeError as error:
        if not args.all_errors:
            raise CommandError(_first_problem(error.problems)) from error
        for problem in error.problems:  # asked for: one line per problem
            print(f"masthead import: {problem}", file=sys.stderr)
        return 1
    print(f"Imported {summary}.")
    return 0


async def _export(*, revisions: bool) -> dict[str, Any]:
    async with migrated_engine() as engine:
        return await export_document(engine, revisions=revisions)


def write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file, so a failure never leaves a partial document."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(data)
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        msg = f"cannot write {path}: {error.strerror or first_line(error)}"
        raise CommandError(msg) from error


def run_export(args: argparse.Namespace) -> int:
    """Export every entry, pretty-printed UTF-8 JSON with keys in the format's order."""
    document = asyncio.run(_export(revisions=args.revisions))
    data = orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    if args.file in (None, "-"):
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return 0
    write_atomically(Path(args.file), data)
    sections = [*SECTIONS, "revisions"] if args.revisions else SECTIONS
    counts = ", ".join(counted(len(document[name]), name) for name in sections)
    print(f"Exported {counts} to {args.file}.")
    return 0
