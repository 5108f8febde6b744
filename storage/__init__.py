"""Saved scenarios on a real database (SQLite file by default, PostgreSQL by URL).

The app opens the store once (`open_store()`: configured URL, engine, migrations) and
then calls its methods with the owner (`LOCAL_OWNER` until accounts exist):

    store = open_store()
    saved = store.save_new(LOCAL_OWNER, "Plan A", ScenarioState(scenario, settings, ranges))
    opened = store.open(LOCAL_OWNER, saved.id)       # StoredScenario, or BadRow
    store.save(LOCAL_OWNER, saved.id, saved.version, new_state)   # VersionConflict if stale
    store.rename / fork / delete / list(LOCAL_OWNER, search="plan")

Every error a page should show is a `StorageError` whose text is a message for the screen
(names inside it are user text: show it as text). Modules: `database` (which database,
engine set-up), `schema` (tables), `state` (the saved JSON), `scenarios` (the store),
`errors` (what can go wrong), `migrations` (alembic). Storage never imports Streamlit.
"""

from __future__ import annotations

from sqlalchemy import Engine

from storage.database import (
    ConfigurationError,
    check_deployment,
    create_engine_for,
    database_url,
    describe,
)
from storage.errors import (
    InvalidName,
    InvalidState,
    NameTaken,
    NotFound,
    StorageError,
    StorageUnavailable,
    VersionConflict,
)
from storage.migrations import upgrade
from storage.scenarios import (
    LOCAL_OWNER,
    BadRow,
    Saved,
    ScenarioListing,
    ScenarioStore,
    StoredScenario,
    clean_name,
)
from storage.state import ScenarioState, state_from_json, state_to_json

__all__ = [
    "LOCAL_OWNER",
    "BadRow",
    "ConfigurationError",
    "InvalidName",
    "InvalidState",
    "NameTaken",
    "NotFound",
    "Saved",
    "ScenarioListing",
    "ScenarioState",
    "ScenarioStore",
    "StorageError",
    "StorageUnavailable",
    "StoredScenario",
    "VersionConflict",
    "check_deployment",
    "clean_name",
    "create_engine_for",
    "database_url",
    "describe",
    "open_store",
    "state_from_json",
    "state_to_json",
    "upgrade",
]


def open_store(url: str | None = None) -> ScenarioStore:
    """The store on `url` (default: the configured database, `database_url()`), migrated to
    the newest schema. Call once per process (in Streamlit: inside `st.cache_resource`);
    raises `ConfigurationError` on a configuration that cannot work."""
    url = url or database_url()
    check_deployment(url)
    engine: Engine = create_engine_for(url)
    upgrade(engine)
    return ScenarioStore(engine)
