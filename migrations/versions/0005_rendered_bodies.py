"""rendered bodies: HTML, text, word count and reading time stored beside each body

Posts and pages gain `body_html`, `body_text`, `word_count` and `reading_time_minutes`,
computed from `body` whenever it is written; reads no longer render Markdown. Every row
already stored is rendered here, in batches, with the functions the writes use.

SQLite adds the columns in place (no "move and copy", so the search triggers of 0002
stay); they follow `body` in each row.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from masthead.resolvers.core.markdown import rendered_body

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = ("posts", "pages")
TEXTS = ("body_html", "body_text")
COUNTS = ("word_count", "reading_time_minutes")
BATCH = 500


def upgrade() -> None:
    for table in TABLES:
        for name in TEXTS:
            op.add_column(table, sa.Column(name, sa.Text(), server_default="", nullable=False))
        for name in COUNTS:
            op.add_column(table, sa.Column(name, sa.Integer(), server_default="0", nullable=False))
        _backfill(table)


def _backfill(name: str) -> None:
    """Render every stored body, `BATCH` rows a statement, in id order."""
    bind = op.get_bind()
    table = sa.table(name, *(sa.column(column) for column in ("id", "body", *TEXTS, *COUNTS)))
    statement = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("pk"))
        .values({column: sa.bindparam(column) for column in (*TEXTS, *COUNTS)})
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(table.c.id, table.c.body)
            .where(table.c.id > last)
            .order_by(table.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        bind.execute(statement, [{"pk": pk, **rendered_body(body or "")} for pk, body in rows])
        last = rows[-1][0]


def downgrade() -> None:
    # Plain DROP COLUMN on both backends: a SQLite batch would drop the search triggers.
    for table in TABLES:
        for name in (*COUNTS, *TEXTS):
            op.execute(f"ALTER TABLE {table} DROP COLUMN {name}")
