"""Client links withdrawn per scenario (issue 26).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

- `scenarios.client_links_since`: null (every unexpired client link of the scenario works, as
  before), or the time its owner last withdrew its client links: a link issued before it (or
  carrying no issue time) is refused (`components/saved/client_links.py`). Existing rows get
  null, so no link in use stops working by this upgrade.

Downgrade drops the column: links withdrawn until then work again until they expire.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not a batch: on SQLite a batch would copy `scenarios` into a new table
# and drop the old one, and with `foreign_keys=ON` (which cannot be switched off inside the
# migration's transaction) dropping it would delete every share (`scenario_shares` cascades).
# SQLite adds a nullable column in place, and drops one in place since 3.35 (2021).


def upgrade() -> None:
    op.add_column("scenarios", sa.Column("client_links_since", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("scenarios", "client_links_since")
