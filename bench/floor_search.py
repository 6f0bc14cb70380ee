"""Hand-written SQL for the search example: FTS5 ranks, snippets and entries (bench only)."""

from __future__ import annotations

import sqlite3
from typing import Any

from bench.floor_sql import visible
from bench.shapes import sqlite_now
from masthead.resolvers.search_text import FIELD_SEPARATOR, fts5_match, search_terms, snippet_html

# Masthead's index: rowid = id * 4 + kind (0 post, 1 page, 2 author, 3 tag); bm25 weights
# body 1, summary 4, title 10. Snippets are cut in Python from the page's documents.
# The page of hits and the fields their snippets come from: the same on both backends.
SEARCH_PAGE = """
page AS (SELECT * FROM hits ORDER BY score, kind, ref LIMIT :first)
SELECT page.kind,
       coalesce(post.title, pg.title, author.name, tag.name) AS title,
       coalesce(post.slug, author.slug, tag.slug) AS slug, pg.path,
       CASE page.kind
           WHEN 0 THEN coalesce(post.body, '') || :separator || coalesce(post.excerpt, '')
                       || :separator || post.title
           WHEN 1 THEN coalesce(pg.body, '') || :separator || pg.title
           WHEN 2 THEN coalesce(author.bio, '') || :separator || author.name
           ELSE coalesce(tag.description, '') || :separator || tag.name
       END AS document,
       (SELECT count(*) FROM hits) AS total
FROM page
LEFT JOIN posts post ON page.kind = 0 AND post.id = page.ref
LEFT JOIN pages pg ON page.kind = 1 AND pg.id = page.ref
LEFT JOIN authors author ON page.kind = 2 AND author.id = page.ref
LEFT JOIN tags tag ON page.kind = 3 AND tag.id = page.ref
ORDER BY page.score, page.kind, page.ref
"""
SEARCH_SQL = f"""
WITH hits AS (
    SELECT s.rowid % 4 AS kind, s.rowid / 4 AS ref, bm25(search_index, 1.0, 4.0, 10.0) AS score
    FROM search_index s
    WHERE search_index MATCH :match AND (
        (s.rowid % 4 = 0
         AND EXISTS (SELECT 1 FROM posts p WHERE p.id = s.rowid / 4 AND {visible()}))
        OR (s.rowid % 4 = 1
            AND EXISTS (SELECT 1 FROM pages p WHERE p.id = s.rowid / 4 AND {visible()}))
        OR s.rowid % 4 IN (2, 3))
),
{SEARCH_PAGE}"""  # noqa: S608 (constant fragments only)


def search_node(row: sqlite3.Row) -> dict[str, Any]:
    """A hit's node, typed by its kind."""
    kind = row["kind"]
    if kind == 0:
        fields = {"title": row["title"], "slug": row["slug"]}
        return {"__typename": "Post", **fields}
    if kind == 1:
        return {"__typename": "Page", "title": row["title"], "path": row["path"]}
    type_name = "Author" if kind == 2 else "Tag"
    return {"__typename": type_name, "name": row["title"], "slug": row["slug"]}


def search(connection: sqlite3.Connection, variables: dict[str, Any]) -> dict[str, Any]:
    """Ranked visible hits with highlighted snippets and a total count: one statement."""
    terms = search_terms(variables["query"])
    if not terms:
        return {"search": {"totalCount": 0, "edges": []}}
    parameters = {
        "match": fts5_match(terms), "now": sqlite_now(), "first": variables.get("first", 20),
        "separator": FIELD_SEPARATOR,
    }  # fmt: skip
    rows = connection.execute(SEARCH_SQL, parameters).fetchall()
    edges = [
        {"snippet": snippet_html(row["document"], terms), "node": search_node(row)} for row in rows
    ]
    return {"search": {"totalCount": rows[0]["total"] if rows else 0, "edges": edges}}
