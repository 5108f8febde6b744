"""The scenarios table.

Revision ID: 0001
Revises:
Create Date: 2026-11-02

Saved scenarios: id (the short link id), owner, name, state (JSON text), version (for the
lost-update check), created and updated times (UTC). Names unique per owner as written;
an index on (owner, updated_at) serves the newest-first list.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scenarios",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("uq_scenarios_owner_name", "scenarios", ["owner", "name"], unique=True)
    op.create_index("ix_scenarios_owner_updated", "scenarios", ["owner", "updated_at"])


def downgrade() -> None:
    op.drop_index("ix_scenarios_owner_updated", table_name="scenarios")
    op.drop_index("uq_scenarios_owner_name", table_name="scenarios")
    op.drop_table("scenarios")
