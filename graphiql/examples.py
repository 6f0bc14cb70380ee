"""GraphiQL's tabs: the example queries home, post, tag, authors, filtered, search; then writes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples" / "queries"
MUTATIONS_DIR = EXAMPLES_DIR.parent / "mutations"


@dataclass(frozen=True)
class Example:
    """One example query with its variables.

    `name` is the file's stem without its number (`home`); `title` is the text before the
    colon of the file's first `#` comment (`Home page`).
    """

    name: str
    title: str
    query: str
    variables: dict[str, Any]


def _title(query: str, fallback: str) -> str:
    first_line = query.lstrip().splitlines()[0] if query.strip() else ""
    if not first_line.startswith("#"):
        return fallback
    return first_line.lstrip("# ").split(":", 1)[0].strip() or fallback


def _number(path: Path) -> int:
    return int(path.stem.split("-", 1)[0])


def _example(query_file: Path) -> Example:
    variables_file = query_file.with_suffix(".json")
    variables = json.loads(variables_file.read_text()) if variables_file.exists() else {}
    name = query_file.stem.split("-", 1)[-1]
    query = query_file.read_text()
    return Example(name=name, title=_title(query, name), query=query, variables=variables)


def load_examples(directory: Path = EXAMPLES_DIR) -> list[Example]:
    """Every `N-name.graphql` with its `N-name.json` variables, in number order."""
    files = sorted(directory.glob("*.graphql"), key=_number)
    if not files:
        msg = f"no example queries in {directory}"
        raise FileNotFoundError(msg)
    return [_example(path) for path in files]


def graphiql_examples() -> list[Example]:
    """Every tab GraphiQL opens with: the example queries, then the example mutations."""
    return [*load_examples(), *load_examples(MUTATIONS_DIR)]
