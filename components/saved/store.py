"""Saved scenarios in the app: the store, what this session has open, and the short link.

The database sits behind `storage` (SQLite file by default, PostgreSQL by URL); this module
is the Streamlit side of it:

- `scenario_store()` opens it once per process (migrated on first use) and reports a
  database that cannot be opened as a message, never as a crash;
- `current_state()` is everything on screen that a save keeps: the scenario, every page's
  settings and the uncertainty ranges; `apply_state` puts a saved one back (in a button
  callback or on a session's first run, before any widget is drawn);
- the session remembers which saved scenario it opened or saved last (`opened()`), with
  the version it read, so a save over someone else's newer save is refused
  ("changed elsewhere: reload or save as copy"), never silent;
- `open_short_link()` opens `?s=<id>`, the short stable link of a saved scenario.

Whose scenarios: in single-user mode every scenario belongs to one local owner
(`storage.LOCAL_OWNER`); with accounts, to the signed-in user (`owner()`), who sees their
own and those shared with them (`ScenarioStore.list_visible`, `open_for`): a link to any
other reads "not found", exactly like a missing one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import streamlit as st

from components.inputs.ranges_editor import VERSION_KEY
from components.saved.client_links import ClientLink
from components.session.page_settings import LOADED_KEY as SETTINGS_LOADED
from components.session.page_settings import page_settings, put_page_settings
from components.session.problems import PROBLEMS_KEY, notice
from components.session.ranges import LOADED_KEY as RANGES_LOADED
from components.session.ranges import current_ranges, set_ranges
from components.session.requester import CLIENT_KEY, SIGNED_IN_KEY  # who this session is: one definition
from components.session.scenario import LOADED_KEY as SCENARIO_LOADED
from components.session.scenario import NAMED_KEY, current_scenario, name_scenario, set_scenario
from storage import (
    LOCAL_OWNER,
    AccountStore,
    BadRow,
    ConfigurationError,
    NotFound,
    ScenarioState,
    ScenarioStore,
    SessionInfo,
    StorageError,
    StoredScenario,
    VisibleScenario,
    open_store,
)
from storage.database import writes

SHORT_PARAM = "s"
OPENED_KEY = "saved_scenario_opened"
SHORT_LOADED = "saved_scenario_link_loaded"
STORE_PROBLEM_KEY = "saved_scenario_store_problem"


@dataclass(frozen=True)
class Opened:
    """The saved scenario this session opened or saved last, at the version it read."""

    id: str
    name: str
    version: int
    mine: bool = True  # False: shared with this user by someone else (open and copy, not save over)


def signed_in() -> SessionInfo | None:
    """The signed-in user's session this run, or None in single-user mode."""
    value = st.session_state.get(SIGNED_IN_KEY)
    return value if isinstance(value, SessionInfo) else None


def client_link() -> ClientLink | None:
    """The client link this session views, if it came with one instead of an account."""
    value = st.session_state.get(CLIENT_KEY)
    return value if isinstance(value, ClientLink) else None


def owner() -> str:
    """Whose scenarios this session reads and writes: the signed-in user, the local owner, or
    for a client link a name no user has (so it sees no saved scenario)."""
    session = signed_in()
    if session is not None:
        return session.username
    link = client_link()
    return link.guest_owner if link is not None else LOCAL_OWNER


def can_save() -> bool:
    """Whether this session may save, rename, copy, delete and share (not a viewer, not a client link)."""
    session = signed_in()
    if session is not None:
        return session.user.can_save
    return client_link() is None


@st.cache_resource(show_spinner=False)
def _store() -> ScenarioStore:
    return open_store()


def scenario_store() -> ScenarioStore | None:
    """The store, or None (and the reason in `store_problem()`) when the database cannot be opened."""
    try:
        store = _store()
    except (ConfigurationError, StorageError) as error:
        st.session_state[STORE_PROBLEM_KEY] = str(error)
        return None
    except Exception as error:  # a driver or file-system error: say so instead of a stack trace
        st.session_state[STORE_PROBLEM_KEY] = (
            f"The scenario database could not be opened ({type(error).__name__})."
        )
        return None
    st.session_state.pop(STORE_PROBLEM_KEY, None)
    return store


def store_problem() -> str | None:
    """Why the store could not be opened (plain text), if it could not."""
    return st.session_state.get(STORE_PROBLEM_KEY)


def current_state() -> ScenarioState:
    """Everything on screen that a save keeps."""
    return ScenarioState(current_scenario(), page_settings(), current_ranges())


def apply_state(state: ScenarioState) -> None:
    """Put a saved state on screen: scenario, page settings and ranges (before widgets are drawn)."""
    set_scenario(state.scenario)
    put_page_settings(state.settings)
    set_ranges(dict(state.ranges))
    st.session_state[VERSION_KEY] = st.session_state.get(VERSION_KEY, 0) + 1  # the ranges table redraws


def opened() -> Opened | None:
    value = st.session_state.get(OPENED_KEY)
    return value if isinstance(value, Opened) else None


def remember(saved_id: str, name: str, version: int, mine: bool = True, *, renamed: bool = False) -> None:
    """This session opened or saved `name` (now on screen): the preset picker names it until an
    input moves. `renamed`: only its name changed, the scenario it names stays as it was."""
    st.session_state[OPENED_KEY] = Opened(saved_id, name, version, mine)
    named = st.session_state.get(NAMED_KEY)
    name_scenario(name, named[1] if renamed and isinstance(named, tuple) else None)


def forget() -> None:
    st.session_state.pop(OPENED_KEY, None)
    name_scenario(None)


def open_saved(store: ScenarioStore, saved_id: str) -> list[str]:
    """Open a saved scenario onto the screen; returns messages (plain text) for the user."""
    try:
        found = store.open_for(owner(), saved_id)
    except NotFound:
        return ["No saved scenario was found for this link or choice: it may have been deleted."]
    except StorageError as error:
        return [str(error)]
    if isinstance(found, BadRow):
        apply_state(found.salvaged)
        remember(found.id, found.name, found.version, found.owner == owner())
        return [found.message + " Those values were replaced by the defaults:", *found.problems]
    assert isinstance(found, StoredScenario)
    apply_state(found.state)
    remember(found.id, found.name, found.version, found.owner == owner())
    return []


def open_short_link() -> None:
    """On a session's first run, open `?s=<id>` (the short link of a saved scenario).

    Runs in the entry script before the link's own values are read: the saved scenario
    replaces them, and the address bar then carries its full values as usual.
    """
    if st.session_state.get(SHORT_LOADED):
        return
    st.session_state[SHORT_LOADED] = True
    saved_id = st.query_params.get(SHORT_PARAM)
    if saved_id is None:
        return
    del st.query_params[SHORT_PARAM]
    store = scenario_store()
    if store is None:  # not a replaced value: said on its own
        notice([f"The saved scenario could not be opened: {store_problem()}"])
        return
    messages = open_saved(store, str(saved_id))
    if not opened():  # not found: fall back to the link's own values, if any; said on its own
        notice(messages)
        return
    for key in (SCENARIO_LOADED, SETTINGS_LOADED, RANGES_LOADED):
        st.session_state[key] = True  # the saved scenario is what this session opened
    _report(messages)  # a damaged saved row: the values replaced by defaults


def _report(messages: list[str]) -> None:
    if messages:
        st.session_state[PROBLEMS_KEY] = st.session_state.get(PROBLEMS_KEY, []) + messages


def app_root() -> str:
    """This app's address without page or query: `https://host[:port]`."""
    base = str(st.context.url or "").split("?")[0]
    return base.rsplit("/", 1)[0] if base.count("/") > 2 else base


def short_link(saved_id: str) -> str:
    """The short stable link of a saved scenario: this app's address with `?s=<id>`."""
    return f"{app_root()}/?{SHORT_PARAM}={saved_id}"


def account_store() -> AccountStore | None:
    """The accounts, on the scenario database's engine; None (with the reason on screen
    later) when the database cannot be opened."""
    store = scenario_store()
    if store is None:
        return None
    return _accounts(store.engine)


@st.cache_resource(show_spinner=False)
def _accounts(_engine: Any) -> AccountStore:
    return AccountStore(_engine)


LISTING_KEY = "saved_listing"  # (owner, writes, when, listing): the last full listing read
LISTING_SECONDS = 5.0  # another process's save (another replica's) shows after at most this long


def visible_scenarios(store: ScenarioStore, who: str, search: str = "") -> list[VisibleScenario]:
    """`store.list_visible(who, search)`; the full listing (no search) is kept for this session
    and read again after `LISTING_SECONDS`, or as soon as this process has written anything
    (`storage.database.writes`: a save, rename, share or account change here shows at once).
    The Scenarios page and the Budget planner rerun on every slider move, and the listing
    only names what can be chosen: a chosen scenario is opened, and checked, on every run."""
    if search:
        return store.list_visible(who, search)
    kept = st.session_state.get(LISTING_KEY)
    now, done = time.monotonic(), writes()
    if kept is not None and kept[0] == who and kept[1] == done and now - kept[2] < LISTING_SECONDS:
        return list(kept[3])
    listing = store.list_visible(who)
    st.session_state[LISTING_KEY] = (who, done, now, tuple(listing))
    return listing
