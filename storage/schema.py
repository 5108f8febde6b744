"""The tables as the code uses them (the schema at the newest migration, `storage/migrations`).

One table, `scenarios`:

| column | meaning |
|---|---|
| `id` | short random URL-safe id, the `?s=` of a saved scenario's link |
| `owner` | who owns it (`"local"` until accounts exist) |
| `name` | the name as the user wrote it (trimmed), 1 to 80 characters |
| `name_key` | the name folded for comparison and search (NFKC, case-folded): unique per owner |
| `state` | JSON text: the scenario, every page's settings, the uncertainty ranges (`storage.state`) |
| `version` | 1 on creation, +1 on every write: a save names the version it started from |
| `created_at`, `updated_at` | UTC times |

The migrations freeze their own copy of each step; a test checks that migrating an empty
database gives exactly these tables.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table, Text
from sqlalchemy.types import TypeDecorator

ID_MAX = 16
OWNER_MAX = 200
NAME_MAX = 80


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
    Index("ix_scenarios_owner_updated", "owner", "updated_at"),
    Index("uq_scenarios_owner_name_key", "owner", "name_key", unique=True),
)
