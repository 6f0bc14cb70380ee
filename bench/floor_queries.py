"""Hand-written SQL for each example query, shaped like Masthead's JSON answer (bench only)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from bench.floor_sql import (
    POST_ORDER,
    asset,
    like_pattern,
    post_cursor,
    stored_time,
    tags_json,
    tags_of,
    visible,
)
from bench.shapes import iso_timestamp, sqlite_now

Handler = Callable[[sqlite3.Connection, dict[str, Any]], dict[str, Any]]

HOME_SQL = f"""
SELECT p.id, p.title, p.slug, p.excerpt, p.published_at, a.name AS author,
       avatar.filename AS avatar, cover.filename AS cover, cover.width, cover.height,
       {tags_json("p")} AS tags
FROM posts p
JOIN authors a ON a.id = p.author_id
LEFT JOIN assets avatar ON avatar.id = a.avatar_id
LEFT JOIN assets cover ON cover.id = p.cover_image_id
WHERE {visible()} {POST_ORDER} LIMIT :first
"""  # noqa: S608 (constant fragments only)


def home(connection: sqlite3.Connection, variables: dict[str, Any]) -> dict[str, Any]:
    """The latest posts with author, avatar, tag names and cover image: one statement."""
    rows = connection.execute(HOME_SQL, {"now": sqlite_now(), "first": variables.get("first", 20)})
    nodes = [
        {
            "title": row["title"],
            "slug": row["slug"],
            "excerpt": row["excerpt"],
            "publishedAt": iso_timestamp(row["published_at"]),
            "author": {"name": row["author"], "avatar": asset(row["avatar"])},
            "tags": tags_of(row),
            "coverImage": asset(row["cover"], width=row["width"], height=row["height"]),
        }
        for row in rows
    ]
    return {"posts": {"nodes": nodes}}


# CROSS JOIN fixes the join order: from the tag's links to its posts.
TAG_SQL = f"""
SELECT tg.id, tg.name, tg.slug, tg.description,
       (SELECT count(*) FROM post_tags pt CROSS JOIN posts p ON p.id = pt.post_id
        WHERE pt.tag_id = tg.id AND {visible()}) AS total
FROM tags tg WHERE tg.slug = :slug
"""  # noqa: S608
TAG_POSTS_SQL = f"""
SELECT p.id, p.title, p.slug, p.published_at
FROM post_tags pt JOIN posts p ON p.id = pt.post_id
WHERE pt.tag_id = :tag AND {visible()} {POST_ORDER} LIMIT :first + 1
"""  # noqa: S608


def archive_edge(row: sqlite3.Row) -> dict[str, Any]:
    """A tag archive's edge: the post's cursor and node."""
    node = {
        "title": row["title"],
        "slug": row["slug"],
        "publishedAt": iso_timestamp(row["published_at"]),
    }
    return {"cursor": post_cursor(row), "node": node}


def tag_archive(connection: sqlite3.Connection, variables: dict[str, Any]) -> dict[str, Any]:
    """One tag, a page of its posts with cursors, total count: two statements."""
    now, first = sqlite_now(), variables.get("first", 50)
    tag = connection.execute(TAG_SQL, {"now": now, "slug": variables["slug"]}).fetchone()
    if tag is None:
        return {"tag": None}
    rows = connection.execute(TAG_POSTS_SQL, {"now": now, "tag": tag["id"], "first": first})
    edges = [archive_edge(row) for row in rows]
    page_info = {
        "hasNextPage": len(edges) > first,
        "endCursor": edges[:first][-1]["cursor"] if edges else None,
    }
    posts = {"totalCount": tag["total"], "pageInfo": page_info, "edges": edges[:first]}
    fields = {"name": tag["name"], "description": tag["description"]}
    return {"tag": {**fields, "posts": posts}}


AUTHORS_SQL = f"""
SELECT a.id, a.name, a.slug,
       (SELECT count(*) FROM posts p WHERE p.author_id = a.id AND {visible()}) AS post_count
FROM authors a ORDER BY a.name, a.id LIMIT :first
"""  # noqa: S608
# Each author's latest posts are a few entries of the author's index (no window over all
# of their posts); tags are read only for those rows.
AUTHORS_POSTS_SQL = f"""
SELECT authors.value AS author_id, p.title, p.slug, p.published_at, {tags_json("p")} AS tags
FROM json_each(:authors) AS authors JOIN posts p ON p.id IN (
    SELECT p.id FROM posts p WHERE p.author_id = authors.value AND {visible()}
    {POST_ORDER} LIMIT :per_author)
ORDER BY authors.key, {POST_ORDER.removeprefix("ORDER BY ")}
"""  # noqa: S608


def authors_index(connection: sqlite3.Connection, variables: dict[str, Any]) -> dict[str, Any]:
    """Authors by name with post counts and latest posts: two statements."""
    now = sqlite_now()
    authors = connection.execute(AUTHORS_SQL, {"now": now, "first": variables.get("first", 50)})
    nodes = {row["id"]: author_node(row) for row in authors}
    keys = "[" + ",".join(map(str, nodes)) + "]"
    posts = connection.execute(AUTHORS_POSTS_SQL, {"now": now, "authors": keys, "per_author": 5})
    for row in posts:
        nodes[row["author_id"]]["posts"]["nodes"].append(
            {
                "title": row["title"],
                "slug": row["slug"],
                "tags": tags_of(row),
            }
        )
    return {"authors": {"nodes": list(nodes.values())}}


def author_node(row: sqlite3.Row) -> dict[str, Any]:
    """An author with an empty list of posts, filled by the second statement."""
    return {
        "name": row["name"],
        "slug": row["slug"],
        "postCount": row["post_count"],
        "posts": {"nodes": []},
    }


# Driven from the first tag's links (CROSS JOIN fixes that order); the matches are few, so
# the page and the count read the same materialized set.
FILTERED_SQL = f"""
WITH matches AS (
    SELECT p.id, p.title, p.slug, p.published_at
    FROM tags first_tag
    CROSS JOIN post_tags link ON link.tag_id = first_tag.id
    CROSS JOIN posts p ON p.id = link.post_id
    WHERE first_tag.slug = :first_tag AND {visible()}
      AND EXISTS (SELECT 1 FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
                  WHERE pt.post_id = p.id AND t.slug = :second_tag)
      AND p.published_at >= :since AND p.published_at < :until
      AND lower(p.title) LIKE lower(:pattern) ESCAPE '\\'
)
SELECT p.title, p.slug, p.published_at, {tags_json("p")} AS tags,
       (SELECT count(*) FROM matches) AS total
FROM matches p {POST_ORDER} LIMIT :first
"""  # noqa: S608


def filtered(connection: sqlite3.Connection, variables: dict[str, Any]) -> dict[str, Any]:
    """Posts with two tags in a date range whose title contains a word: one statement."""
    parameters = {
        "now": sqlite_now(),
        "first_tag": variables["tagA"],
        "second_tag": variables["tagB"],
        "since": stored_time(variables["from"]),
        "until": stored_time(variables["to"]),
        "pattern": like_pattern(variables["word"]),
        "first": variables.get("first", 20),
    }
    rows = connection.execute(FILTERED_SQL, parameters).fetchall()
    nodes = [
        {
            "title": row["title"],
            "slug": row["slug"],
            "publishedAt": iso_timestamp(row["published_at"]),
            "tags": tags_of(row),
        }
        for row in rows
    ]
    total = rows[0]["total"] if rows else 0
    return {"posts": {"totalCount": total, "nodes": nodes}}
