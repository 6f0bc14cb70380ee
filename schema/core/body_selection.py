"""Which stored parts of a body an operation's fields need (the others are never read)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    EnumValueNode,
    FieldNode,
    InlineFragmentNode,
    SelectionSetNode,
    VariableNode,
)

COUNT_FIELDS = frozenset({"wordCount", "readingTimeMinutes"})
FORMATS = {"HTML": "html", "TEXT": "text", "MARKDOWN": "markdown"}


def _fields(selections: SelectionSetNode | None) -> Iterator[FieldNode]:
    for selection in selections.selections if selections else ():
        if isinstance(selection, FieldNode):
            yield selection
            yield from _fields(selection.selection_set)
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set)


def _formats(field: FieldNode, variables: Mapping[str, Any]) -> set[str]:
    """The formats a `body` field asks for: every one when a variable leaves it open."""
    value = next((a.value for a in field.arguments or () if a.name.value == "format"), None)
    if value is None:
        return {"html"}
    if isinstance(value, EnumValueNode):
        name: object = value.value
    elif isinstance(value, VariableNode):
        name = variables.get(value.name.value)
    else:
        name = None
    return {FORMATS[name]} if isinstance(name, str) and name in FORMATS else set(FORMATS.values())


def body_parts(document: DocumentNode, variables: Mapping[str, Any] | None) -> set[str]:
    """The parts any `body`, `wordCount` or `readingTimeMinutes` in the document needs.

    Every operation and fragment of the document counts, whatever type a field is on:
    reading a part that goes unused is the only possible mistake.
    """
    parts: set[str] = set()
    for definition in document.definitions:
        for field in _fields(getattr(definition, "selection_set", None)):
            if field.name.value in COUNT_FIELDS:
                parts.add("counts")
            elif field.name.value == "body":
                parts |= _formats(field, variables or {})
    return parts
