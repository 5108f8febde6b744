"""The Budget planner's saved programs: the user's saved scenarios (in single-user mode all of
them), listed by name, and the chosen ones read from the store with their ranges."""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass, field

import streamlit as st

from components.saved.store import owner, scenario_store, store_problem
from components.work.budget_plan import ProgramSource
from storage import BadRow, NotFound, ScenarioStore, StorageError, VisibleScenario
from storage.database import writes

SAVED_PREFIX = "saved-"


@dataclass(frozen=True)
class SavedPrograms:
    """The saved scenarios offered (`names`: id → name), the chosen ones read (`read`), and
    what the user should know (`notes`: plain text)."""

    names: dict[str, str] = field(default_factory=dict)
    read: dict[str, ProgramSource] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def saved_programs(chosen: Collection[str]) -> SavedPrograms:
    """Every saved scenario the user sees, and those in `chosen` (program ids) read."""
    store = scenario_store()
    if store is None:
        return SavedPrograms(notes=(f"Saved scenarios are not available: {store_problem()}",))
    try:
        listing = _listing(store, owner())
    except StorageError:
        return SavedPrograms(notes=("The saved scenarios cannot be listed just now.",))
    names = {SAVED_PREFIX + item.id: item.name for item in listing}
    read: dict[str, ProgramSource] = {}
    notes: list[str] = []
    for pid in chosen:
        if pid not in names:
            continue
        try:
            found = store.open_for(owner(), pid.removeprefix(SAVED_PREFIX))
        except (NotFound, StorageError):
            notes.append(f'The saved scenario "{names[pid]}" could not be read: left out of the plan.')
            continue
        if isinstance(found, BadRow):
            notes.append(
                f'The saved scenario "{names[pid]}" has values that cannot be read: left out of the plan.'
            )
            continue
        read[pid] = ProgramSource(pid, names[pid], found.state.scenario, dict(found.state.ranges))
    return SavedPrograms(names, read, tuple(notes))


LISTING_KEY = "budget_saved_listing"  # (owner, writes, when, listing): the last listing read
LISTING_SECONDS = 5.0  # another process's save shows in the planner after at most this long


def _listing(store: ScenarioStore, who: str) -> list[VisibleScenario]:
    """The user's visible saved scenarios, read again after `LISTING_SECONDS` or as soon as this
    process has written anything (`storage.database.writes`): the planner reruns on every slider
    move and the listing only names what can be chosen (a chosen one is opened, and checked,
    on every run)."""
    kept = st.session_state.get(LISTING_KEY)
    now, done = time.monotonic(), writes()
    if kept is not None and kept[0] == who and kept[1] == done and now - kept[2] < LISTING_SECONDS:
        return kept[3]  # type: ignore[no-any-return]
    listing = store.list_visible(who)
    st.session_state[LISTING_KEY] = (who, done, now, listing)
    return listing
