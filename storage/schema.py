"""The tables as the code uses them (the schema at the newest migration, `storage/migrations`).

`scenarios` (revisions 0001, 0002, 0004, 0005):

| column | meaning |
|---|---|
| `id` | short random URL-safe id, the `?s=` of a saved scenario's link |
| `owner` | who owns it: a username (`users.username`), or `"local"` in single-user mode |
| `name` | the name as the user wrote it (trimmed), 1 to 80 characters |
| `name_key` | the name folded for comparison and search (NFKC, case-folded, invisible characters removed, spaces collapsed; revision 0004 recomputed it): unique per owner |
| `state` | JSON text: the scenario, every page's settings, the uncertainty ranges (`storage.state`) |
| `version` | 1 on creation, +1 on every write: a save names the version it started from |
| `created_at`, `updated_at` | UTC times |
| `client_links_since` | null, or when the owner last withdrew the scenario's client links (revision 0005): a link issued before it is refused (`ScenarioStore.withdraw_client_links`) |

Accounts (revisions 0003, 0004, `storage.accounts`):

| table | columns |
|---|---|
| `users` | `username` (the lower-case key, 3 to 40 of `a-z 0-9 . - _ @`), `name` (display name), `password_hash` (bcrypt), `role` (admin, editor or viewer), `disabled`, `created_at`, `password_changed_at` |
| `sessions` | `token_sha256` (SHA-256 of the session token: the token itself is never stored), `username`, `issued_at`, `last_seen_at`, `revoked_at` (null while valid) |
| `login_attempts` | `id`, `username` (the key tried, a user or not), `client` (who tried, as the app tells: a network address; empty when unknown), `at`, `succeeded`: the sign-in throttle (revision 0004 added `client`) |
| `login_clients` | `username`, `client`, `last_success_at`: clients that signed in as that user (revision 0004); the username-wide slow-down does not apply to them |
| `scenario_shares` | `scenario_id` (deleted with its scenario), `grantee` (a username, or `*` for every signed-in user), `shared_at` |

`client_links` (revision 0006, `storage.client_links`): one row per client link issued.

| column | meaning |
|---|---|
| `id` | random id, carried (signed) in the link's token |
| `scenario_id` | the scenario it shows (the row is deleted with its scenario) |
| `issued_by` | who made it: the scenario's owner (a username, or `"local"`) |
| `issued_at`, `expires_at` | UTC times; the token expires at the same time |
| `revoked_at`, `revoked_by` | null while not revoked; else when and by whom (the owner, or an administrator) |

The migrations freeze their own copy of each step; a test checks that migrating an empty
database gives exactly these tables.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator

ID_MAX = 16
OWNER_MAX = 200
NAME_MAX = 80
USERNAME_MAX = 40
DISPLAY_NAME_MAX = 80
PASSWORD_HASH_MAX = 100  # a bcrypt hash is 60 characters
TOKEN_DIGEST_LENGTH = 64  # hex SHA-256
CLIENT_MAX = 100  # a client's address (IPv6 with a zone fits), or an opaque id the app chooses
ROLES = ("admin", "editor", "viewer")


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC time on the way in and out, on SQLite (no time zones) as on
    PostgreSQL (`timestamptz`).

    >>> t = UTCDateTime()
    >>> from sqlalchemy.dialects import sqlite
    >>> t.process_result_value(datetime(2026, 11, 2, 9, 30), sqlite.dialect())
    datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.timezone.utc)
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("times must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

scenarios = Table(
    "scenarios",
    metadata,
    Column("id", String(ID_MAX), primary_key=True),
    Column("owner", String(OWNER_MAX), nullable=False),
    Column("name", String(NAME_MAX), nullable=False),
    Column("name_key", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("client_links_since", UTCDateTime, nullable=True),
    Index("ix_scenarios_owner_updated", "owner", "updated_at"),
    Index("uq_scenarios_owner_name_key", "owner", "name_key", unique=True),
)

users = Table(
    "users",
    metadata,
    Column("username", String(USERNAME_MAX), primary_key=True),
    Column("name", String(DISPLAY_NAME_MAX), nullable=False),
    Column("password_hash", String(PASSWORD_HASH_MAX), nullable=False),
    Column("role", String(10), nullable=False),
    Column("disabled", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("password_changed_at", UTCDateTime, nullable=False),
    CheckConstraint("role IN ('admin', 'editor', 'viewer')", name="ck_users_role"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_sha256", String(TOKEN_DIGEST_LENGTH), primary_key=True),
    Column(
        "username",
        String(USERNAME_MAX),
        ForeignKey("users.username", name="fk_sessions_username", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Index("ix_sessions_username", "username"),
    Index("ix_sessions_issued_at", "issued_at"),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(USERNAME_MAX), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("succeeded", Boolean, nullable=False),
    Column("client", String(CLIENT_MAX), nullable=False, server_default=""),
    Index("ix_login_attempts_username_at", "username", "at"),
    Index("ix_login_attempts_at", "at"),
)

login_clients = Table(
    "login_clients",
    metadata,
    Column(
        "username",
        String(USERNAME_MAX),
        ForeignKey("users.username", name="fk_login_clients_username", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("client", String(CLIENT_MAX), primary_key=True),
    Column("last_success_at", UTCDateTime, nullable=False),
)

scenario_shares = Table(
    "scenario_shares",
    metadata,
    Column(
        "scenario_id",
        String(ID_MAX),
        ForeignKey("scenarios.id", name="fk_scenario_shares_scenario_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("grantee", String(USERNAME_MAX), primary_key=True),
    Column("shared_at", UTCDateTime, nullable=False),
    Index("ix_scenario_shares_grantee", "grantee"),
)

client_links = Table(
    "client_links",
    metadata,
    Column("id", String(ID_MAX), primary_key=True),
    Column(
        "scenario_id",
        String(ID_MAX),
        ForeignKey("scenarios.id", name="fk_client_links_scenario_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("issued_by", String(OWNER_MAX), nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("revoked_by", String(OWNER_MAX), nullable=True),
    Index("ix_client_links_scenario_id", "scenario_id"),
    Index("ix_client_links_issued_by", "issued_by", "issued_at"),
)
