"""Schema migrations (alembic), run by the app itself: `upgrade(engine)` at start-up.

No `alembic.ini` is needed at run time: `upgrade` points alembic at this folder and hands
it a connection. The whole upgrade is one transaction (SQLite and PostgreSQL both have
transactional DDL): it either completes or leaves the database as it was. Two processes
starting at once do not race: on SQLite the transaction starts with `BEGIN IMMEDIATE`, on
PostgreSQL it first takes a transaction-scoped advisory lock, so the second process waits
and then finds the schema current.

Revisions (in `versions/`):

- `0001` — the `scenarios` table: id, owner, name, state (JSON text), version, created and
  updated times; unique (owner, name); an index on (owner, updated_at) for the list.
- `0002` — case-insensitive names and search: a `name_key` column (the name NFKC-normalised
  and case-folded, `storage.scenarios.name_key`, computed in Python because SQL's `lower()`
  folds only ASCII on SQLite), filled in for existing rows; uniqueness moves from (owner,
  name) to (owner, name_key). Rows whose names now clash ("Plan" and "plan") keep the oldest
  name; the others get " (2)", " (3)", ... appended.
- `0003` — accounts (`storage.accounts`): tables `users`, `sessions` (the SHA-256 of each
  token, never the token), `login_attempts` (the sign-in throttle) and `scenario_shares`
  (deleted with their scenario). New tables only: the scenarios are untouched.
- `0004` — the sign-in throttle per client and names blind to invisible characters (issue
  26): a `client` column in `login_attempts` (existing rows: `""`, an unknown client), a
  `login_clients` table (clients that signed in as a user; deleted with the user), and
  `scenarios.name_key` recomputed without format characters and other invisible code points
  and with runs of spaces made one; names that now clash are made distinct as in 0002.
- `0005` — client links withdrawn per scenario (issue 26): a nullable
  `scenarios.client_links_since` (existing rows: null, nothing withdrawn); a client link
  issued before it is refused. Plain `ALTER TABLE` on both databases (a batch copy of
  `scenarios` on SQLite would cascade-delete its shares).
- `0006` — client links as records (issue 26): a `client_links` table (id, scenario —
  deleted with it —, issued by, issued at, expires at, revoked at and by). New table only;
  links made before it have no row and are refused with a message saying so.

From the command line (project root; the database is the app's own unless `-x url=...`):

    .venv/bin/alembic -c storage/alembic.ini current
    .venv/bin/alembic -c storage/alembic.ini upgrade head
    .venv/bin/alembic -c storage/alembic.ini downgrade 0002
    .venv/bin/alembic -c storage/alembic.ini revision --autogenerate --rev-id 0007 -m "what changes"

A new revision must work on both SQLite and PostgreSQL (use `op.batch_alter_table` for
changes SQLite cannot make in place) and gets a test in `tests/storage/test_migrations.py`
that upgrades a database holding rows from the previous revision.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from storage.database import writing

MIGRATIONS_DIR = Path(__file__).resolve().parent
_LOCK_KEY = 7_310_210  # PostgreSQL advisory lock: one migrating process at a time


def alembic_config(connection: Connection | None = None) -> Config:
    """An alembic configuration for this folder; with `connection`, migrations use it."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision.

    >>> head_revision()
    '0006'
    """
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database never migrated."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision` (default: the newest), in one transaction."""
    with writing(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        command.upgrade(alembic_config(conn), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the database back to `revision` (for tests and for undoing a release)."""
    with writing(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        command.downgrade(alembic_config(conn), revision)
