"""full-text search

SQLite: one FTS5 table, `search_index`, kept in sync by triggers on posts, pages, authors
and tags. Its rowid is `id * 4 + kind` (0 post, 1 page, 2 author, 3 tag), so a trigger
finds an entry's row without a scan. Columns, best snippet source first: `body`,
`summary` (excerpt, bio or description) and `title` (title or name).

PostgreSQL: a generated `search_vector` column with a GIN index on each table, built with
the `masthead_search` text search configuration (`simple`, plus `unaccent` when the
extension is available) over the text's letters and digits only: no stemming, diacritics
folded and words split like FTS5's `unicode61 remove_diacritics 2`. Weights: title A,
summary B, body D.

Note for later migrations: a SQLite batch migration ("move and copy") of one of these
four tables drops its triggers; recreate them there.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# table, kind, (body, summary, title) source columns; NULL when the type has none.
SOURCES = (
    ("posts", 0, ("body", "excerpt", "title")),
    ("pages", 1, ("body", "NULL", "title")),
    ("authors", 2, ("NULL", "bio", "name")),
    ("tags", 3, ("NULL", "description", "name")),
)
CONFIG = "masthead_search"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _upgrade_sqlite()
    else:
        _upgrade_postgresql()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table, _kind, _columns in SOURCES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_search_{event}")
        op.execute("DROP TABLE IF EXISTS search_index")
    else:
        for table, _kind, _columns in SOURCES:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_search_vector")
            op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
        op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")


# SQLite ---------------------------------------------------------------------------------


def _values(prefix: str, columns: tuple[str, ...]) -> str:
    return ", ".join(column if column == "NULL" else f"{prefix}.{column}" for column in columns)


def _upgrade_sqlite() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5("
        "body, summary, title, tokenize = 'unicode61 remove_diacritics 2')"
    )
    for table, kind, columns in SOURCES:
        insert = (
            "INSERT INTO search_index (rowid, body, summary, title) "
            f"VALUES (new.id * 4 + {kind}, {_values('new', columns)});"
        )
        delete = f"DELETE FROM search_index WHERE rowid = old.id * 4 + {kind};"
        watched = ", ".join(["id", *(column for column in columns if column != "NULL")])
        op.execute(
            f"CREATE TRIGGER {table}_search_insert AFTER INSERT ON {table} BEGIN {insert} END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_search_update AFTER UPDATE OF {watched} ON {table} "
            f"BEGIN {delete} {insert} END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_search_delete AFTER DELETE ON {table} BEGIN {delete} END"
        )
        op.execute(
            "INSERT INTO search_index (rowid, body, summary, title) "
            f"SELECT {table}.id * 4 + {kind}, {_values(table, columns)} FROM {table}"
        )


# PostgreSQL -----------------------------------------------------------------------------


def _unaccent_available() -> bool:
    """Install `unaccent` when the server offers it and this role may; never fail on it."""
    bind = op.get_bind()
    offered = bind.execute(
        sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'")
    ).first()
    if offered is None:
        return False
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS unaccent"))
    except sa.exc.DBAPIError:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True


def _words(column: str) -> str:
    # Letters and digits only, as FTS5's unicode61 sees them: `docs.python.org` and
    # `e-mail` are words apart, not one URL or hyphenated token.
    return f"regexp_replace(coalesce({column}, ''), '[^[:alnum:]]+', ' ', 'g')"


def _vector(columns: tuple[str, ...]) -> str:
    parts = [
        f"setweight(to_tsvector('{CONFIG}'::regconfig, {_words(column)}), '{weight}')"
        for column, weight in zip(columns, ("D", "B", "A"), strict=True)
        if column != "NULL"
    ]
    return " || ".join(parts)


def _upgrade_postgresql() -> None:
    op.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.simple)")
    if _unaccent_available():
        op.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} "
            "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple"
        )
    for table, _kind, columns in SOURCES:
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({_vector(columns)}) STORED"
        )
        # A short pending list: after a bulk import, searches scan little unmerged data and
        # the planner keeps choosing the index (a long list makes it fall back to seq scans).
        op.execute(
            f"CREATE INDEX ix_{table}_search_vector ON {table} "
            "USING gin (search_vector) WITH (gin_pending_list_limit = 256)"
        )
