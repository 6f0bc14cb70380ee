"""Every read operation the suite, GraphiQL and the documentation send: the example queries,
the `graphql` blocks of README.md and docs/ and the string literals (f-strings with `0` for
their replacement fields) of tests/*.py that parse as GraphQL documents holding a query,
found when the tests are collected."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    parse,
    validate,
)

from masthead.graphiql.examples import load_examples
from masthead.schema.root import build_schema
from tests.lifted_literals import lifted

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
GRAPHQL_BLOCK = re.compile(r"^ *```graphql\n(?P<document>.*?)^ *```", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Operation:
    """One query operation of a document, where it was found and the variables it came with.

    `valid` is False for documents the schema refuses: they are sent once, as they are.
    """

    source: str
    document: str
    name: str | None
    valid: bool = True
    given: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """`test_lookups.py:42:PostBySlug`, the test id."""
        return f"{self.source}:{self.name or 'anonymous'}"


@cache
def graphql_schema() -> GraphQLSchema:
    """The schema documents are validated against (graphql-core's, under Strawberry's)."""
    return build_schema()._schema  # noqa: SLF001 - Strawberry keeps graphql-core's schema here


def _string_literals(path: Path) -> Iterator[tuple[int, str]]:
    """Line and text of every string constant, and of every f-string with `0` for each of
    its replacement fields (`post(slug: "{slug}")` is read as `post(slug: "0")`)."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(
                str(part.value) if isinstance(part, ast.Constant) else "0" for part in node.values
            )
        else:
            continue
        if "{" in text:
            yield node.lineno, text


def _parsed(text: str) -> DocumentNode | None:
    try:
        return parse(text)
    except GraphQLError:
        return None


def _queries(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [
        definition
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
        and definition.operation == OperationType.QUERY
    ]


def _operations(source: str, text: str, given: dict[str, Any]) -> list[Operation]:
    """Each query operation of `text`; none when it is not a document holding a query."""
    document = _parsed(text)
    if document is None or not _queries(document):
        return []
    valid = not validate(graphql_schema(), document)
    named = [query.name.value if query.name else None for query in _queries(document)]
    if not valid:  # an operation name cannot be told from a document the schema refuses
        return [Operation(source, text, named[0], valid, given)]
    operations = [Operation(source, text, name, valid, given) for name in named]
    lifting = lifted(text, graphql_schema())
    if lifting:
        operations.append(
            Operation(f"{source}:lifted", lifting[0], named[0], True, given | lifting[1])
        )
    return operations


def _from_tests() -> Iterator[Operation]:
    seen: set[str] = set()
    for path in sorted(TESTS.glob("*.py")):
        for line, text in _string_literals(path):
            if text not in seen:
                seen.add(text)
                yield from _operations(f"{path.name}:{line}", text, {})


def _from_docs() -> Iterator[Operation]:
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text()
        for block in GRAPHQL_BLOCK.finditer(text):
            line = text.count("\n", 0, block.start()) + 1
            yield from _operations(f"{path.relative_to(ROOT)}:{line}", block["document"], {})


def _from_examples() -> Iterator[Operation]:
    for example in load_examples():
        yield from _operations(f"examples/{example.name}", example.query, example.variables)


@cache
def corpus() -> tuple[Operation, ...]:
    """The examples first, then the documentation's, then the tests' in file and line order."""
    return (*_from_examples(), *_from_docs(), *_from_tests())
