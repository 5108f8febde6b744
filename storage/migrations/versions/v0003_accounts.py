"""Accounts: users, server-side sessions, the sign-in throttle, and shared scenarios.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

New tables only; `scenarios` and its rows are untouched (owners stay as they are: `"local"`
in single-user mode).

- `users`: username (the lower-case key), display name, bcrypt hash, role (admin, editor or
  viewer, checked by the database), disabled flag, created and password-changed times.
- `sessions`: SHA-256 of the session token (the token is never stored), username (deleted
  with the user), issued, last seen and revoked times; indexes on username (revoke a user's
  sessions) and issue time (prune the expired).
- `login_attempts`: every password check per username key with its time and outcome, for the
  throttle (5 failures in 15 minutes lock 15 minutes; at most 100 tries an hour).
- `scenario_shares`: scenario id (deleted with the scenario: ON DELETE CASCADE) and grantee (a
  username, or `*` for every signed-in user), with the time it was shared.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("username", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("password_hash", sa.String(100), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('admin', 'editor', 'viewer')", name="ck_users_role"),
    )
    op.create_table(
        "sessions",
        sa.Column("token_sha256", sa.String(64), primary_key=True),
        sa.Column(
            "username",
            sa.String(40),
            sa.ForeignKey("users.username", name="fk_sessions_username", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_sessions_username", "sessions", ["username"])
    op.create_index("ix_sessions_issued_at", "sessions", ["issued_at"])
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_login_attempts_username_at", "login_attempts", ["username", "at"])
    op.create_index("ix_login_attempts_at", "login_attempts", ["at"])
    op.create_table(
        "scenario_shares",
        sa.Column(
            "scenario_id",
            sa.String(16),
            sa.ForeignKey("scenarios.id", name="fk_scenario_shares_scenario_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("grantee", sa.String(40), primary_key=True),
        sa.Column("shared_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_scenario_shares_grantee", "scenario_shares", ["grantee"])


def downgrade() -> None:
    op.drop_index("ix_scenario_shares_grantee", table_name="scenario_shares")
    op.drop_table("scenario_shares")
    op.drop_index("ix_login_attempts_at", table_name="login_attempts")
    op.drop_index("ix_login_attempts_username_at", table_name="login_attempts")
    op.drop_table("login_attempts")
    op.drop_index("ix_sessions_issued_at", table_name="sessions")
    op.drop_index("ix_sessions_username", table_name="sessions")
    op.drop_table("sessions")
    op.drop_table("users")
