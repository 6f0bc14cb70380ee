"""Field parsers: each turns one JSON value into a Python value or raises `FieldProblem`."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NoReturn

from masthead.models import ContentStatus

SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LOCALE_PATTERN = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
PATH_PATTERN = re.compile(r"(?:/[a-z0-9]+(?:-[a-z0-9]+)*)+")
URL_PATTERN = re.compile(r"https?://\S+")
MIME_PATTERN = re.compile(r"[\w.+-]+/[\w.+-]+")
FILENAME_PATTERN = re.compile(r"[^/\\\s][^/\\]*")

Parser = Callable[[object], Any]


class FieldProblem(Exception):
    """Why one value is not acceptable; `field` is a sub-field path, if any."""

    def __init__(self, message: str, field: str | None = None, code: str = "INVALID") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


def reject(message: str, field: str | None = None, code: str = "INVALID") -> NoReturn:
    """Refuse a value; `field` names the sub-field at fault, if any; `code` says how."""
    raise FieldProblem(message, field, code)


@dataclass(frozen=True)
class Field:
    """One JSON key of an entry: the parsed value is stored under `name`."""

    key: str
    name: str
    parse: Parser
    required: bool = False
    default: object = None


def format_timestamp(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with an explicit offset, as the document format writes it."""
    return None if value is None else value.astimezone(UTC).isoformat()


def _string(value: object, *, max_length: int | None) -> str:
    if not isinstance(value, str):
        reject("must be a string")
    if max_length is not None and len(value) > max_length:
        reject(f"must be at most {max_length} characters", code="TOO_LONG")
    if "\x00" in value:  # PostgreSQL text cannot hold it, so no backend accepts it
        reject("must not contain NUL characters")
    return value


def text(
    *,
    max_length: int | None = None,
    pattern: re.Pattern[str] | None = None,
    hint: str = "",
    nullable: bool = False,
    non_empty: bool = False,
) -> Parser:
    """A string, optionally bounded in length and matching a pattern (explained by `hint`)."""

    def parse(value: object) -> str | None:
        if value is None and nullable:
            return None
        string = _string(value, max_length=max_length)
        if non_empty and not string.strip():
            reject("must not be empty")
        if pattern is not None and not pattern.fullmatch(string):
            reject(f"{hint}, not {string!r}")
        return string

    return parse


def integer(*, minimum: int, nullable: bool = False) -> Parser:
    """An integer (not a boolean) of at least `minimum`."""

    def parse(value: object) -> int | None:
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            reject(f"must be an integer of at least {minimum}")
        return value

    return parse


def boolean(value: object) -> bool:
    """`true` or `false`."""
    if not isinstance(value, bool):
        reject("must be true or false")
    return value


def timestamp(value: object) -> datetime | None:
    """An ISO 8601 timestamp with an offset, or null."""
    if value is None:
        return None
    example = 'must be an ISO 8601 timestamp with offset, like "2024-05-24T19:37:01+00:00"'
    if not isinstance(value, str):
        reject(example)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        reject(f"{example}, not {value!r}")
    if parsed.tzinfo is None:
        reject(f"{example}, not {value!r} (the offset is missing)")
    return parsed.astimezone(UTC)


def status(value: object) -> ContentStatus:
    """One of the `ContentStatus` names."""
    names = [member.value for member in ContentStatus]
    if not isinstance(value, str) or value not in names:
        reject(f"must be one of {', '.join(names)}, not {value!r}")
    return ContentStatus(value)


def slug_list(value: object) -> list[str]:
    """A list of distinct slugs, in the editor's order; null means empty."""
    if value is None:
        return []
    if not isinstance(value, list):
        reject("must be a list of slugs")
    for position, item in enumerate(value):
        if not isinstance(item, str) or not SLUG_PATTERN.fullmatch(item):
            reject(f"must be a slug, not {item!r}", f"[{position}]")
        if item in value[:position]:
            reject(f'"{item}" appears twice', f"[{position}]")
    return list(value)


def parse_fields(entry: object, fields: Sequence[Field]) -> tuple[dict[str, Any], list[str]]:
    """The parsed values of an entry, and one `field: message` problem per bad field."""
    if not isinstance(entry, dict):
        return {}, ["must be an object"]
    known = {field.key for field in fields}
    problems = [f"{key}: unknown field" for key in entry if key not in known]
    values: dict[str, Any] = {}
    for field in fields:
        if field.key not in entry and field.required:
            problems.append(f"{field.key}: required")
            continue
        try:
            values[field.name] = field.parse(entry.get(field.key, field.default))
        except FieldProblem as problem:
            where = field.key + (f".{problem.field}" if problem.field else "")
            problems.append(f"{where.replace('.[', '[')}: {problem.message}")
    return values, problems
