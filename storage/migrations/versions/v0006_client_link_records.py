"""Client links as records (issue 26).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

- `client_links`: one row per client link issued — its random `id` (carried, signed, in the
  link), `scenario_id` (deleted with its scenario), `issued_by`, `issued_at`, `expires_at`,
  and `revoked_at` / `revoked_by` (null until the owner or an administrator revokes it). A
  link is honoured only while its row exists, is not revoked and has not expired
  (`components/saved/client_links.py`). Links made before this revision have no row and are
  refused with a message saying so; existing scenarios and shares are untouched.

Downgrade drops the table: links revoked one by one work again until they expire (links
withdrawn per scenario stay withdrawn through `scenarios.client_links_since`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "client_links",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column(
            "scenario_id",
            sa.String(16),
            sa.ForeignKey("scenarios.id", name="fk_client_links_scenario_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("issued_by", sa.String(200), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(200), nullable=True),
    )
    op.create_index("ix_client_links_scenario_id", "client_links", ["scenario_id"])
    op.create_index("ix_client_links_issued_by", "client_links", ["issued_by", "issued_at"])


def downgrade() -> None:
    op.drop_index("ix_client_links_issued_by", table_name="client_links")
    op.drop_index("ix_client_links_scenario_id", table_name="client_links")
    op.drop_table("client_links")
