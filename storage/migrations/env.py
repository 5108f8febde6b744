"""Alembic's entry point: run the migrations on the connection `storage.migrations.upgrade`
passes, or, from the `alembic` command line, on the app's database (or `-x url=...`).

Importing this file outside alembic (a doctest collector does) does nothing.
"""

from __future__ import annotations

from alembic import context

from storage.database import create_engine_for, database_url, writing
from storage.schema import metadata


def _run(config) -> None:  # type: ignore[no-untyped-def]
    if context.is_offline_mode():
        raise SystemExit(
            "Offline (--sql) migrations are not supported: revisions 0002 and 0004 compute values in Python."
        )
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or database_url()
    engine = create_engine_for(url)
    try:
        with writing(engine) as conn:
            _migrate(conn)
    finally:
        engine.dispose()


def _migrate(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


_config = getattr(context, "config", None)  # set only while alembic runs this file
if _config is not None:
    _run(_config)
