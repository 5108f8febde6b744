"""Cache wrappers for the pure simulation (shared by all users: inputs only, no user data)."""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Mapping

import streamlit as st

from calculators.ranges import ranges_key
from calculators.scenario import Scenario
from calculators.simulation import Distribution, MonteCarlo, monte_carlo
from components.heavy_runs import BoundedResults, HeavyGate


@st.cache_resource(max_entries=16, show_spinner="Simulating…")
def _cached(scenario_json: str, draws: int, seed: int, distribution: str, ranges: tuple) -> MonteCarlo:
    """One run per inputs, handed to every caller as it is (read-only arrays): a data cache
    pickles the 10^4-draw run on storing and copies it back on every read (about 0.8 and
    0.5 ms), and the summary, comparison, Sensitivity and Monte Carlo pages read it often."""
    scenario = Scenario.model_validate_json(scenario_json)
    return read_only(monte_carlo(scenario, draws, seed, distribution, dict(ranges)))  # type: ignore[arg-type]


def read_only(result: MonteCarlo) -> MonteCarlo:
    """The run with every array made read-only (it is shared: nobody may change it in place)."""
    for by_option in (result.roi_pct, result.npv, result.payback_months):
        for array in by_option.values():
            array.setflags(write=False)
    return result


def cached_monte_carlo(
    scenario: Scenario,
    draws: int,
    seed: int,
    distribution: Distribution,
    overrides: Mapping[str, tuple[float, float]],
) -> MonteCarlo:
    """`calculators.simulation.monte_carlo`, cached on its inputs (up to 10^5 draws)."""
    return _cached(scenario.model_dump_json(), draws, seed, distribution, ranges_key(overrides))


HEAVY_DRAWS = 100_000  # above this a run is heavy: gated, chunked with progress, kept by size
HEAVY_AT_ONCE = 1  # server-wide: one heavy run per core would starve everyone else's reruns
HEAVY_BUDGET_BYTES = 256 * 2**20  # finished heavy results kept (about three runs of 10^6 draws)
GATE = HeavyGate(HEAVY_AT_ONCE)
RESULTS = BoundedResults(HEAVY_BUDGET_BYTES)


def _size(result: MonteCarlo) -> int:
    return sum(a.nbytes for d in (result.roi_pct, result.npv, result.payback_months) for a in d.values())


def heavy_monte_carlo(
    scenario: Scenario,
    draws: int,
    seed: int,
    distribution: Distribution,
    overrides: Mapping[str, tuple[float, float]],
    progress: Callable[[float], None] | None = None,
    on_wait: Callable[[], None] | None = None,
) -> MonteCarlo:
    """A large run (over 10^5 draws): reused when the same inputs ask again (a payback target
    or an option shown never redraws), otherwise drawn in chunks with `progress`, one heavy
    run at a time on the whole server (`on_wait` is told when it has to wait)."""
    key = (scenario.model_dump_json(), draws, seed, distribution, ranges_key(overrides))
    found = RESULTS.get(key)
    if found is not None:
        return found
    with GATE.turn(on_wait):
        found = RESULTS.get(key)  # another session may have drawn it while this one waited
        if found is not None:
            return found
        result = monte_carlo(scenario, draws, seed, distribution, overrides, progress=progress)
        RESULTS.put(key, result, _size(result))
        release_freed_memory()  # the run's working arrays, freed, go back to the system
    return result


def release_freed_memory() -> None:
    """Give memory freed by Python back to the operating system (glibc `malloc_trim`).

    A heavy run allocates and frees hundreds of MB of arrays; glibc keeps freed heap memory
    for reuse, so a server that has served a few heavy runs stays large (12 runs of 10^6
    draws: 1.1 GB, 0.85 GB afterwards, measured by `scripts/benchmark_speed.py --heavy 12`).
    Trimming after each run costs a few milliseconds; elsewhere than glibc it does nothing.
    """
    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to do
        return
    trim(0)
