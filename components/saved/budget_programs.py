"""The Budget planner's saved programs: the user's saved scenarios (in single-user mode all of
them), listed by name, and the chosen ones read from the store with their ranges."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from components.saved.store import owner, scenario_store, store_problem, visible_scenarios
from components.work.budget_plan import ProgramSource
from storage import BadRow, NotFound, StorageError

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
        listing = visible_scenarios(store, owner())
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
