"""Reading a stored body's parts only when an operation selects a field that needs them.

Each part is read through `CASE WHEN :read_body_<part> THEN <column> ELSE <empty> END`:
the statement stays the same for every operation, and the database never touches (nor
sends) a body's HTML, text or Markdown for a page of posts that shows titles only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ColumnElement, Label, bindparam, case, literal

# html, text and markdown: the formats of `body`; counts: `wordCount`, `readingTimeMinutes`.
BODY_PARTS = ("html", "text", "markdown", "counts")
_GATES = {part: bindparam(f"read_body_{part}", value=True, type_=Boolean()) for part in BODY_PARTS}


def body_part(column: ColumnElement[Any], part: str, name: str) -> Label[Any]:
    """`column` as `name`, read only when the operation needs `part` (else empty or 0)."""
    empty = literal(0) if part == "counts" else literal("")
    return case((_GATES[part], column), else_=empty).label(name)


def read_body_parts(parameters: dict[str, Any], parts: set[str]) -> None:
    """Set the statement parameters that read `parts` and skip the others.

    A part another operation on the same context already reads stays read: operations
    sharing a context only ever widen what its statements fetch.
    """
    for part in BODY_PARTS:
        name = f"read_body_{part}"
        parameters[name] = parameters.get(name, False) or part in parts
