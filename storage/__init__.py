"""Saved scenarios and accounts on a real database (SQLite file by default, PostgreSQL by URL).

The app opens the store once (`open_store()`: configured URL, engine, migrations) and
then calls its methods with the owner (`LOCAL_OWNER` in single-user mode, the signed-in
user's username with accounts):

    store = open_store()
    saved = store.save_new(LOCAL_OWNER, "Plan A", ScenarioState(scenario, settings, ranges))
    opened = store.open(LOCAL_OWNER, saved.id)       # StoredScenario, or BadRow
    store.save(LOCAL_OWNER, saved.id, saved.version, new_state)   # VersionConflict if stale
    store.rename / fork / delete / list(LOCAL_OWNER, search="plan")

With accounts, on the same engine:

    accounts = AccountStore(store.engine)
    result = accounts.check_login(username, password, client=address)  # LoginResult: ok + user, or message
    token = accounts.start_session(result.user.username) # keep in the browser
    session = accounts.check_session(token)              # every rerun: SessionInfo or None
    store.share(me, saved.id, ["bob", ALL_SIGNED_IN]); store.list_visible(me); store.open_for(me, id)

Every error a page should show is a `StorageError` whose text is a message for the screen
(names inside it are user text: show it as text). Modules: `database` (which database,
engine set-up), `schema` (tables), `state` (the saved JSON), `scenarios` (the store),
`accounts` (users, sign-in, sessions), `client_links` (issued client links), `users` (the command line for users), `errors` (what
can go wrong), `migrations` (alembic). Storage never imports Streamlit.
"""

from __future__ import annotations

from sqlalchemy import Engine

from storage.accounts import (
    ALL_SIGNED_IN,
    LOGIN_FAILED,
    AccountStore,
    LoginResult,
    Role,
    SessionInfo,
    SignInStatus,
    Throttle,
    User,
)
from storage.client_links import ClientLinkRecord, ClientLinkStore, LinkStatus
from storage.database import (
    ConfigurationError,
    check_deployment,
    create_engine_for,
    database_url,
    describe,
)
from storage.errors import (
    InvalidAccount,
    InvalidName,
    InvalidPassword,
    InvalidState,
    NameTaken,
    NotAllowed,
    NotFound,
    StorageError,
    StorageUnavailable,
    UnknownLink,
    UnknownUser,
    UserExists,
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
    VisibleScenario,
    clean_name,
)
from storage.state import ScenarioState, state_from_json, state_to_json

__all__ = [
    "ALL_SIGNED_IN",
    "LOCAL_OWNER",
    "LOGIN_FAILED",
    "AccountStore",
    "BadRow",
    "ClientLinkRecord",
    "ClientLinkStore",
    "ConfigurationError",
    "InvalidAccount",
    "InvalidName",
    "InvalidPassword",
    "InvalidState",
    "LinkStatus",
    "LoginResult",
    "NameTaken",
    "NotAllowed",
    "NotFound",
    "Role",
    "Saved",
    "ScenarioListing",
    "ScenarioState",
    "ScenarioStore",
    "SessionInfo",
    "SignInStatus",
    "StorageError",
    "StorageUnavailable",
    "StoredScenario",
    "Throttle",
    "UnknownLink",
    "UnknownUser",
    "User",
    "UserExists",
    "VersionConflict",
    "VisibleScenario",
    "check_deployment",
    "clean_name",
    "create_engine_for",
    "database_url",
    "describe",
    "open_accounts",
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


def open_accounts(url: str | None = None) -> AccountStore:
    """The account store on `url` (default: the configured database), migrated; for a
    process that needs accounts only (the command line). The app shares one engine instead:
    `AccountStore(open_store().engine)`."""
    return AccountStore(open_store(url).engine)
