"""The floor's hand-written SQL for PostgreSQL, the SQLite floor's statements in its dialect.

Bench only. Timestamps are read as the SQLite text, so the shaping of rows is shared.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bench.floor_search import SEARCH_PAGE
from bench.floor_sql import POST_ORDER

_NAMED = re.compile(r"(?<![:\w]):([a-z_]+)")
# The stored time as SQLite's text (`2024-05-24 19:37:01.000000`): one format for both.
PUBLISHED = "to_char(p.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"


class Sql:
    """A statement written with `:name` parameters, run by asyncpg with `$n` ones."""

    def __init__(self, text: str) -> None:
        self.names: list[str] = []
        self.text = _NAMED.sub(self._number, text)

    def _number(self, match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in self.names:
            self.names.append(name)
        return f"${self.names.index(name) + 1}"

    def args(self, **values: Any) -> list[Any]:
        """The values in the statement's order."""
        return [values[name] for name in self.names]


def visible(alias: str = "p") -> str:
    """Masthead's public visibility rule for posts and pages, in the default locale."""
    return (
        f"{alias}.status IN ('PUBLISHED', 'SCHEDULED') AND {alias}.published_at <= now() "
        f"AND {alias}.locale = 'en'"
    )


def tags_json(post: str = "p", *fields: str) -> str:
    """A subquery giving a post's tags, in editor order, as a JSON array of objects."""
    pairs = ", ".join(f"'{field}', t.{field}" for field in fields or ("name",))
    return f"""(SELECT coalesce(json_agg(json_build_object({pairs}) ORDER BY pt.position), '[]')
        FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = {post}.id)"""  # noqa: S608


HOME = Sql(f"""
SELECT p.id, p.title, p.slug, p.excerpt, {PUBLISHED} AS published_at, a.name AS author,
       avatar.filename AS avatar, cover.filename AS cover, cover.width, cover.height,
       {tags_json("p")} AS tags
FROM posts p
JOIN authors a ON a.id = p.author_id
LEFT JOIN assets avatar ON avatar.id = a.avatar_id
LEFT JOIN assets cover ON cover.id = p.cover_image_id
WHERE {visible()} {POST_ORDER} LIMIT :first
""")  # noqa: S608 (constant fragments only)
TAG = Sql(f"""
SELECT tg.id, tg.name, tg.slug, tg.description,
       (SELECT count(*) FROM post_tags pt JOIN posts p ON p.id = pt.post_id
        WHERE pt.tag_id = tg.id AND {visible()}) AS total
FROM tags tg WHERE tg.slug = :slug
""")  # noqa: S608
TAG_POSTS = Sql(f"""
SELECT p.id, p.title, p.slug, {PUBLISHED} AS published_at
FROM post_tags pt JOIN posts p ON p.id = pt.post_id
WHERE pt.tag_id = :tag AND {visible()} {POST_ORDER} LIMIT :first + 1
""")  # noqa: S608
AUTHORS = Sql(f"""
SELECT a.id, a.name, a.slug,
       (SELECT count(*) FROM posts p WHERE p.author_id = a.id AND {visible()}) AS post_count
FROM authors a ORDER BY a.name, a.id LIMIT :first
""")  # noqa: S608
AUTHORS_POSTS = Sql(f"""
SELECT p.author_id, p.title, p.slug, {tags_json("p")} AS tags FROM (
    SELECT p.id, row_number() OVER (PARTITION BY p.author_id {POST_ORDER}) AS rank
    FROM posts p WHERE p.author_id = ANY(:authors::int[]) AND {visible()}
) AS ranked
JOIN posts p ON p.id = ranked.id
WHERE ranked.rank <= :per_author ORDER BY p.author_id, ranked.rank
""")  # noqa: S608
FILTERED = Sql(f"""
WITH matches AS (
    SELECT p.id, p.title, p.slug, p.published_at
    FROM tags first_tag
    JOIN post_tags link ON link.tag_id = first_tag.id
    JOIN posts p ON p.id = link.post_id
    WHERE first_tag.slug = :first_tag AND {visible()}
      AND EXISTS (SELECT 1 FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
                  WHERE pt.post_id = p.id AND t.slug = :second_tag)
      AND p.published_at >= :since AND p.published_at < :until
      AND lower(p.title) LIKE lower(:pattern) ESCAPE '\\'
)
SELECT p.title, p.slug, {PUBLISHED} AS published_at, {tags_json("p")} AS tags,
       (SELECT count(*) FROM matches) AS total
FROM matches p {POST_ORDER} LIMIT :first
""")  # noqa: S608
POST = Sql(f"""
SELECT p.id, p.title, p.slug, {PUBLISHED} AS published_at, p.reading_time_minutes,
       p.body_html, p.excerpt, p.translation_group,
       p.author_id, p.seo_title, p.seo_description, p.seo_canonical_url,
       a.name AS author, a.bio, og.filename AS og_image,
       {tags_json("p", "name", "slug")} AS tags
FROM posts p
JOIN authors a ON a.id = p.author_id
LEFT JOIN assets og ON og.id = coalesce(p.seo_og_image_id, p.cover_image_id)
WHERE p.slug = :slug AND {visible()}
""")  # noqa: S608
AUTHOR_POSTS = Sql(f"""
SELECT p.title, p.slug FROM posts p
WHERE p.author_id = :author AND p.slug != :slug AND {visible()} {POST_ORDER} LIMIT :first
""")  # noqa: S608
RELATED = Sql(f"""
SELECT p.title, p.slug
FROM post_tags source
JOIN post_tags shared ON shared.tag_id = source.tag_id
JOIN posts p ON p.id = shared.post_id
WHERE source.post_id = :post AND {visible()} AND p.translation_group != :group
GROUP BY p.id ORDER BY count(*) DESC, p.published_at DESC, p.id DESC LIMIT :first
""")  # noqa: S608


def _branch(kind: int, table: str, scope: Callable[[str], str] | None) -> str:
    where = f"AND {scope('e')}" if scope else ""
    return f"""SELECT {kind} AS kind, e.id AS ref,
        -ts_rank(e.search_vector, q.query, 1)::float8 AS score
        FROM {table} e, q WHERE e.search_vector @@ q.query {where}"""  # noqa: S608


# Masthead's ranking: each table's generated `search_vector`, ts_rank normalized by length.
SEARCH = Sql(f"""
WITH q AS (SELECT to_tsquery('masthead_search'::regconfig, :match) AS query),
hits AS (
    {_branch(0, "posts", visible)} UNION ALL {_branch(1, "pages", visible)}
    UNION ALL {_branch(2, "authors", None)} UNION ALL {_branch(3, "tags", None)}
),
{SEARCH_PAGE}""")
