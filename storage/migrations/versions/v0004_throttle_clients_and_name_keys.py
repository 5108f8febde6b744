"""A sign-in throttle per client, and name keys blind to invisible characters (issue 26).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07

- `login_attempts.client`: who tried (an address, or an id the app chooses; `""` when
  unknown, which is what every existing row gets), so a pause holds one client, not the
  account (`storage.accounts`).
- `login_clients`: (username, client, last success): clients that signed in as a user, exempt
  from the username-wide slow-down; deleted with the user.
- `scenarios.name_key` recomputed: besides NFKC and case folding it now drops format
  characters and other invisible code points (zero-width space, byte-order mark, soft hyphen,
  bidirectional controls, variation selectors, ...) and makes runs of whitespace one space,
  so "Plan\\u200b A" can no longer sit beside "Plan A". Where two existing names of one owner
  now clash, the oldest keeps its name and the others get " (2)", " (3)", ... appended
  (shortened to stay within 80 characters), as revision 0002 did: nothing is lost.

Downgrade drops the table and the column and recomputes the keys as revision 0002 did (a key
of 0004 is a function of a key of 0002, so names distinct now are distinct then).
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NAME_MAX = 80
CLIENT_MAX = 100

_scenarios = sa.table(
    "scenarios",
    sa.column("id", sa.String),
    sa.column("owner", sa.String),
    sa.column("name", sa.String),
    sa.column("name_key", sa.Text),
    sa.column("created_at", sa.DateTime),
)

# Frozen copies of storage.scenarios as of this revision: a migration must not change
# meaning when the application code changes later.
_INVISIBLE_RANGES = (
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x2800, 0x2800),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFFA0, 0xFFA0),
    (0xE0100, 0xE01EF),
)


def _invisible(ch: str) -> bool:
    if unicodedata.category(ch) == "Cf":
        return True
    code = ord(ch)
    return any(low <= code <= high for low, high in _INVISIBLE_RANGES)


def _old_key(name: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


def _key(name: str) -> str:
    visible = "".join(ch for ch in _old_key(name) if not _invisible(ch))
    return unicodedata.normalize("NFKC", " ".join(visible.split()))


def _distinct_names(rows: list[tuple[str, str, str]]) -> dict[str, tuple[str, str]]:
    """id -> (name, key) for (id, owner, name) rows, oldest first, clashes renamed.

    >>> _distinct_names([("a", "o", "Plan A"), ("b", "o", "Plan\\u200b A"), ("c", "p", "plan  a")])
    {'a': ('Plan A', 'plan a'), 'b': ('Plan\\u200b A (2)', 'plan a (2)'), 'c': ('plan  a', 'plan a')}
    """
    taken: set[tuple[str, str]] = {(owner, _key(name)) for _id, owner, name in rows}
    seen: set[tuple[str, str]] = set()
    result: dict[str, tuple[str, str]] = {}
    for row_id, owner, name in rows:
        key = _key(name)
        if (owner, key) in seen:
            number = 2
            while True:
                suffix = f" ({number})"
                candidate = name[: NAME_MAX - len(suffix)].rstrip() + suffix
                if (owner, _key(candidate)) not in taken:
                    break
                number += 1
            name, key = candidate, _key(candidate)
            taken.add((owner, key))
        seen.add((owner, key))
        result[row_id] = (name, key)
    return result


def _rows(bind: sa.engine.Connection) -> list[tuple[str, str, str]]:
    query = sa.select(_scenarios.c.id, _scenarios.c.owner, _scenarios.c.name).order_by(
        _scenarios.c.created_at, _scenarios.c.id
    )
    return [(r.id, r.owner, r.name) for r in bind.execute(query)]


def _write_keys(bind: sa.engine.Connection, keys: dict[str, tuple[str, str]]) -> None:
    """Write new (name, key) pairs in two passes, so that no intermediate state breaks the
    unique (owner, name_key) index: first a placeholder key per row (its id: unique), then
    the final one."""
    current = {r.id: (r.name, r.name_key) for r in bind.execute(sa.select(_scenarios))}
    changed = {row_id: value for row_id, value in keys.items() if current.get(row_id) != value}
    for row_id in changed:
        bind.execute(_scenarios.update().where(_scenarios.c.id == row_id).values(name_key="\x01" + row_id))
    for row_id, (name, key) in changed.items():
        bind.execute(_scenarios.update().where(_scenarios.c.id == row_id).values(name=name, name_key=key))


def upgrade() -> None:
    with op.batch_alter_table("login_attempts") as batch:
        batch.add_column(sa.Column("client", sa.String(CLIENT_MAX), nullable=False, server_default=""))
    op.create_table(
        "login_clients",
        sa.Column(
            "username",
            sa.String(40),
            sa.ForeignKey("users.username", name="fk_login_clients_username", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("client", sa.String(CLIENT_MAX), primary_key=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=False),
    )
    bind = op.get_bind()
    _write_keys(bind, _distinct_names(_rows(bind)))


def downgrade() -> None:
    bind = op.get_bind()
    _write_keys(bind, {row_id: (name, _old_key(name)) for row_id, _owner, name in _rows(bind)})
    op.drop_table("login_clients")
    with op.batch_alter_table("login_attempts") as batch:
        batch.drop_column("client")
