"""Case-insensitive names and search: the name_key column.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-02

`name_key` holds the name NFKC-normalised and case-folded (`storage.scenarios.name_key`),
so that "Plan A", "plan a" and "Ｐｌａｎ Ａ" are one name and search ignores case in every
script. It is computed here in Python for the rows already saved: SQLite's `lower()` folds
ASCII letters only. Uniqueness moves from (owner, name) to (owner, name_key). Where two
existing names of one owner now clash, the oldest keeps its name and the others get
" (2)", " (3)", ... appended (shortened to stay within 80 characters), so nothing is lost.
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NAME_MAX = 80

_scenarios = sa.table(
    "scenarios",
    sa.column("id", sa.String),
    sa.column("owner", sa.String),
    sa.column("name", sa.String),
    sa.column("name_key", sa.Text),
    sa.column("created_at", sa.DateTime),
)


def _key(name: str) -> str:
    # Frozen copy of storage.scenarios.name_key as of this revision: a migration must not
    # change meaning when the application code changes later.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


def _distinct_names(rows: list[tuple[str, str, str]]) -> dict[str, tuple[str, str]]:
    """id -> (name, key) for (id, owner, name) rows, oldest first, clashes renamed.

    >>> _distinct_names([("a", "o", "Plan"), ("b", "o", "plan"), ("c", "p", "PLAN")])
    {'a': ('Plan', 'plan'), 'b': ('plan (2)', 'plan (2)'), 'c': ('PLAN', 'plan')}
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


def upgrade() -> None:
    op.add_column("scenarios", sa.Column("name_key", sa.Text(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_scenarios.c.id, _scenarios.c.owner, _scenarios.c.name).order_by(
            _scenarios.c.created_at, _scenarios.c.id
        )
    ).all()
    for row_id, (name, key) in _distinct_names([tuple(r) for r in rows]).items():
        bind.execute(_scenarios.update().where(_scenarios.c.id == row_id).values(name=name, name_key=key))
    with op.batch_alter_table("scenarios") as batch:
        batch.alter_column("name_key", existing_type=sa.Text(), nullable=False)
        batch.drop_index("uq_scenarios_owner_name")
        batch.create_index("uq_scenarios_owner_name_key", ["owner", "name_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("scenarios") as batch:
        batch.drop_index("uq_scenarios_owner_name_key")
        batch.create_index("uq_scenarios_owner_name", ["owner", "name"], unique=True)
        batch.drop_column("name_key")
