"""Hand-written SQL for the post page and search examples (bench only)."""

from __future__ import annotations

import sqlite3
from typing import Any

from bench.floor_sql import POST_ORDER, asset, tags_json, tags_of, visible
from bench.shapes import iso_timestamp, sqlite_now

POST_SQL = f"""
SELECT p.id, p.title, p.slug, p.published_at, p.reading_time_minutes, p.body_html,
       p.excerpt, p.translation_group,
       p.author_id, p.seo_title, p.seo_description, p.seo_canonical_url,
       a.name AS author, a.bio, og.filename AS og_image,
       {tags_json("p", "name", "slug")} AS tags
FROM posts p
JOIN authors a ON a.id = p.author_id
LEFT JOIN assets og ON og.id = coalesce(p.seo_og_image_id, p.cover_image_id)
WHERE p.slug = :slug AND {visible()}
"""  # noqa: S608 (constant fragments only)
AUTHOR_POSTS_SQL = f"""
SELECT p.title, p.slug FROM posts p
WHERE p.author_id = :author AND p.slug != :slug AND {visible()} {POST_ORDER} LIMIT :first
"""  # noqa: S608
# CROSS JOIN fixes the join order: from the post's tags to the posts sharing them.
RELATED_SQL = f"""
SELECT p.title, p.slug
FROM post_tags source
CROSS JOIN post_tags shared ON shared.tag_id = source.tag_id
CROSS JOIN posts p ON p.id = shared.post_id
WHERE source.post_id = :post AND {visible()} AND p.translation_group != :group
GROUP BY p.id ORDER BY count(*) DESC, p.published_at DESC, p.id DESC LIMIT :first
"""  # noqa: S608


def teasers(rows: sqlite3.Cursor) -> list[dict[str, Any]]:
    """Title and slug of each row."""
    return [{"title": row["title"], "slug": row["slug"]} for row in rows]


def seo(row: sqlite3.Row) -> dict[str, Any]:
    """The post's SEO object, falling back to its title and excerpt."""
    return {
        "title": row["seo_title"] or row["title"],
        "description": row["seo_description"] or row["excerpt"],
        "canonicalUrl": row["seo_canonical_url"],
        "ogImage": asset(row["og_image"]),
    }


def post_page(connection: sqlite3.Connection, variables: dict[str, Any]) -> dict[str, Any]:
    """A post with its author, the author's latest posts, tags, related, SEO: 3 statements."""
    now, first = sqlite_now(), variables.get("first", 3)
    row = connection.execute(POST_SQL, {"now": now, "slug": variables["slug"]}).fetchone()
    if row is None:
        return {"post": None}
    latest = connection.execute(
        AUTHOR_POSTS_SQL,
        {"now": now, "author": row["author_id"], "slug": row["slug"], "first": first},
    )
    related = {"now": now, "post": row["id"], "group": row["translation_group"], "first": first}
    author = {"name": row["author"], "bio": row["bio"], "posts": {"nodes": teasers(latest)}}
    post = {
        "title": row["title"], "publishedAt": iso_timestamp(row["published_at"]),
        "readingTimeMinutes": row["reading_time_minutes"], "body": row["body_html"],
        "author": author, "tags": tags_of(row),
        "related": teasers(connection.execute(RELATED_SQL, related)), "seo": seo(row),
    }  # fmt: skip
    return {"post": post}
