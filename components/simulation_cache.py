"""Cache wrappers for the pure simulation (shared by all users: inputs only, no user data)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from calculators.information_value import (
    InformationValue,
    summary_and_value,
    value_of_information,
)
from calculators.ranges import ranges_key
from calculators.scenario import Scenario
from calculators.simulation import Distribution, MonteCarlo, Summary, monte_carlo
from components.heavy_runs import BoundedResults, HeavyGate, Worker

RUNS_KEPT = 16  # runs kept (a 10^5-draw run holds about 7 MB)
_RUNS: OrderedDict[tuple[Any, ...], MonteCarlo] = OrderedDict()
_RUNS_LOCK = threading.Lock()


def _cached(
    scenario_json: str, draws: int, seed: int, distribution: str, ranges: tuple, paybacks: bool = False
) -> MonteCarlo:
    """One run per inputs, handed to every caller as it is (read-only arrays), the last 16 kept:
    a data cache would pickle the 10^4-draw run on storing and copy it back on every read, and
    the summary, comparison, Sensitivity and Monte Carlo pages read it often.

    A run is drawn with its paybacks when its first caller needs them (`paybacks`: the Monte
    Carlo page), else without (the verdict on every other page reads NPVs and losses only); a
    run kept without them works them out from the same draws when they are first read."""
    key = (scenario_json, draws, seed, distribution, ranges)
    with _RUNS_LOCK:
        run = _RUNS.get(key)
        if run is not None:
            _RUNS.move_to_end(key)
            return run
    scenario = Scenario.model_validate_json(scenario_json)
    run = read_only(
        monte_carlo(scenario, draws, seed, distribution, dict(ranges), paybacks_later=not paybacks)  # type: ignore[arg-type]
    )
    with _RUNS_LOCK:
        _RUNS[key] = run
        while len(_RUNS) > RUNS_KEPT:
            _RUNS.popitem(last=False)
    return run


def clear_runs() -> None:
    """Forget every kept run (tests: each starts as a fresh server would)."""
    with _RUNS_LOCK:
        _RUNS.clear()


def read_only(result: MonteCarlo) -> MonteCarlo:
    """The run with every array made read-only (it is shared: nobody may change it in place;
    paybacks worked out later are made read-only as they are made)."""
    for by_option in (result.roi_pct, result.npv, result.known_payback or {}):
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
    return _cached(*_key(scenario, draws, seed, distribution, overrides))


@st.cache_resource(max_entries=16, show_spinner=False)
def _summary(scenario_json: str, draws: int, seed: int, distribution: str, ranges: tuple) -> Summary:
    return _cached(scenario_json, draws, seed, distribution, ranges, paybacks=True).summary()


HEAVY_DRAWS = 100_000  # above this a run is heavy: gated, drawn in the worker process with progress
HEAVY_AT_ONCE = 1  # server-wide: one heavy run per core would starve everyone else's reruns
HEAVY_BUDGET_BYTES = 16 * 2**20  # finished heavy runs' summaries kept (a few kB each)
GATE = HeavyGate(HEAVY_AT_ONCE)
RESULTS = BoundedResults(HEAVY_BUDGET_BYTES)
WORKER = Worker()  # heavy runs are drawn beside the server, not under its interpreter lock


def _key(
    scenario: Scenario,
    draws: int,
    seed: int,
    distribution: Distribution,
    overrides: Mapping[str, tuple[float, float]],
) -> tuple:
    return (scenario.model_dump_json(), draws, seed, distribution, ranges_key(overrides))


def run_summary(
    scenario: Scenario,
    draws: int,
    seed: int,
    distribution: Distribution,
    overrides: Mapping[str, tuple[float, float]],
    progress: Callable[[float], None] | None = None,
    on_wait: Callable[[], None] | None = None,
) -> Summary:
    """What the Monte Carlo page shows of a run (`calculators.simulation.Summary`), cached on
    exactly its inputs: a payback target or an option shown never redraws.

    Up to 10^5 draws: the summary of the shared cached run. Above (a heavy run): drawn and
    summarised in chunks in the worker process, with what finding out is worth over its
    first 10^5 draws (`heavy_value`), `progress` told after each chunk, one heavy run at a
    time on the whole server (`on_wait` is told when it has to wait); only the summary and
    the value (a few kB, not the 72 MB of 10^6 draws) come back. A run whose user left
    mid-way is still kept when it ends."""
    key = _key(scenario, draws, seed, distribution, overrides)
    if draws <= HEAVY_DRAWS:
        return _summary(*key)
    found = RESULTS.get(key)
    if found is not None:
        return found[0]

    def keep(result: tuple[Summary, InformationValue]) -> None:
        RESULTS.put(key, result, result[0].nbytes + 64 * len(result[1].partial))

    GATE.enter(on_wait)
    found = RESULTS.get(key)  # another session may have drawn it while this one waited
    if found is not None:
        GATE.leave()
        return found[0]
    # the turn is the job's until it ends in the worker, even if this user leaves mid-run (a
    # changed seed, another page): a session's abandoned run and its next never queue together
    result = WORKER.run(
        summary_and_value, scenario, draws, seed, distribution, dict(overrides),
        progress=progress, on_result=keep, on_end=GATE.leave,
    )  # fmt: skip
    return result[0]


def heavy_value(
    scenario: Scenario,
    draws: int,
    seed: int,
    distribution: Distribution,
    overrides: Mapping[str, tuple[float, float]],
) -> InformationValue:
    """What finding out is worth beside a heavy run (over its first 10^5 draws): the one its
    job worked out (`run_summary`), or, if that was pushed out of the kept results, worked out
    again in the worker process."""
    found = RESULTS.get(_key(scenario, draws, seed, distribution, overrides))
    if found is not None:
        return found[1]
    return WORKER.run(
        value_of_information, scenario, min(draws, HEAVY_DRAWS), seed, distribution, dict(overrides)
    )


WAITING = "Another large simulation is running on this server; yours starts as soon as it ends."


def shown_run(
    scenario: Scenario,
    draws: int,
    seed: int,
    distribution: Distribution,
    overrides: Mapping[str, tuple[float, float]],
) -> Summary:
    """`run_summary` on the page: a heavy run shows one line where it stands, the progress bar,
    replaced by `WAITING` while another user's run has the server's turn, and gone with the
    answer; a run up to 10^5 draws shows nothing (it is cached, or a spinner)."""
    if draws <= HEAVY_DRAWS:
        return run_summary(scenario, draws, seed, distribution, overrides)
    line = st.empty()
    drawing = f"Drawing {draws:,} scenarios…"
    line.progress(0.0, text=drawing)
    summary = run_summary(
        scenario, draws, seed, distribution, overrides,
        progress=lambda done: line.progress(done, text=drawing),
        on_wait=lambda: line.info(WAITING, icon=":material/hourglass_top:"),
    )  # fmt: skip
    line.empty()
    return summary
