"""scheduled entries indexed: the go-live checks read the few scheduled rows, not every post

The events worker asks every second whether a scheduled post or page is due, and when
the next one is; the response cache asks when its answers expire. Without an index that
starts at `status`, each question scanned every published post (8 ms at 20,000 posts).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLES = ("posts", "pages")


def upgrade() -> None:
    for table in TABLES:
        op.create_index(f"ix_{table}_scheduled", table, ["status", "published_at"])


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_scheduled", table_name=table)
