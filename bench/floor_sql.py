"""SQL fragments and row helpers the floor's hand-written queries share (bench only)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

import orjson

from bench.shapes import cursor, cursor_timestamp, media_url

POST_ORDER = "ORDER BY p.published_at DESC, p.id DESC"


def visible(alias: str = "p") -> str:
    """Masthead's public visibility rule for posts, in the default locale."""
    return (
        f"{alias}.status IN ('PUBLISHED', 'SCHEDULED') AND {alias}.published_at <= :now "
        f"AND {alias}.locale = 'en'"
    )


def tags_json(post: str = "p", *fields: str) -> str:
    """A subquery giving a post's tags, in editor order, as a JSON array of objects."""
    pairs = ", ".join(f"'{field}', t.{field}" for field in fields or ("name",))
    return f"""(SELECT json_group_array(json_object({pairs})) FROM (
        SELECT t.* FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
        WHERE pt.post_id = {post}.id ORDER BY pt.position) AS t)"""  # noqa: S608


def tags_of(row: sqlite3.Row, column: str = "tags") -> list[dict[str, Any]]:
    """The decoded tags column of a row."""
    decoded: list[dict[str, Any]] = orjson.loads(row[column])
    return decoded


def asset(filename: str | None, **fields: Any) -> dict[str, Any] | None:
    """An asset object with its URL first, or null when there is no file."""
    return None if filename is None else {"url": media_url(filename), **fields}


def post_cursor(row: sqlite3.Row) -> str:
    """Masthead's cursor of a post in the default order."""
    return cursor("PUBLISHED_AT_DESC", [cursor_timestamp(row["published_at"]), row["id"]])


def stored_time(value: str) -> str:
    """A GraphQL `DateTime` variable as SQLite stores timestamps (UTC text, comparable)."""
    return datetime.fromisoformat(value).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def like_pattern(word: str) -> str:
    """A `contains` pattern for LIKE, escaped with backslashes."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
