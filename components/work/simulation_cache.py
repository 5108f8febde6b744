"""Cache wrappers for the pure simulation (shared by all users: inputs only, no user data)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import partial
from typing import Any, TypeVar

import streamlit as st

from calculators.information_value import (
    InformationValue,
    summary_and_value,
    value_of_information,
)
from calculators.kept import Kept
from calculators.model import Option
from calculators.ranges import ranges_key
from calculators.scenario import Scenario
from calculators.simulation import Distribution, MonteCarlo, Summary, monte_carlo
from components.session.requester import Requester, requester, session_alive
from components.work.heavy_runs import BoundedResults, Cancelled, HeavyQueue, TooMany, Worker

T = TypeVar("T")
RUNS_KEPT = 16  # runs kept (a 10^5-draw run holds about 7 MB)
_RUNS: Kept[tuple[Any, ...], MonteCarlo] = Kept(RUNS_KEPT)


def _cached(
    scenario_json: str, draws: int, seed: int, distribution: str, ranges: tuple, late_after: int | None = None
) -> MonteCarlo:
    """One run per inputs, handed to every caller as it is (read-only arrays), the last 16 kept:
    a data cache would pickle the 10^4-draw run on storing and copy it back on every read, and
    the summary, comparison, Sensitivity and Monte Carlo pages read it often.

    A run is drawn without its paybacks (the verdict reads NPVs and losses only; the Monte Carlo
    page reads the share of late paybacks at its target, `late_after`, worked out in the same
    evaluation when its first caller names it); a payback read later is worked out from the
    same draws."""
    key = (scenario_json, draws, seed, distribution, ranges)
    return _RUNS.get_or_put(
        key,
        lambda: read_only(
            monte_carlo(
                Scenario.model_validate_json(scenario_json), draws, seed, distribution, dict(ranges),
                paybacks_later=True, late_after=late_after,
            )  # type: ignore[arg-type]
        ),
    )  # fmt: skip


def clear_runs() -> None:
    """Forget every kept run and summary (tests: each starts as a fresh server would)."""
    _RUNS.clear()
    _SUMMARIES.clear()


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


_SUMMARIES: Kept[tuple[Any, ...], Summary] = Kept(RUNS_KEPT)


def _late(key: tuple, option: Option, months: int) -> float:
    """A kept run's share of draws whose payback takes longer than `months` (drawn again if the
    run is no longer kept)."""
    return _cached(*key, late_after=months).probability_payback_after(option, months)


def _summary(key: tuple, late_after: int | None = None) -> Summary:
    """The kept run's summary (the last `RUNS_KEPT`), its late paybacks read from the run at the
    months asked for (`late_after`: the page's target, drawn with the run when it is new)."""
    # the summary reads late paybacks through the kept runs, not a run of its own: a summary kept
    # longer than its run (other pages' runs pushed it out) holds no draws
    return _SUMMARIES.get_or_put(
        key, lambda: replace(_cached(*key, late_after=late_after).summary(), late=partial(_late, key))
    )


QUICK_DRAWS = 10_000  # up to this many draws a value of information takes milliseconds


def spinner_above_quick(draws: int, text: str, work: Callable[[], T]) -> T:
    """`work()`, under a spinner saying `text` when it reads more than `QUICK_DRAWS` draws (a
    spinner's timer thread and element cost ~1 ms a call: not for a few milliseconds' work)."""
    if draws <= QUICK_DRAWS:
        return work()
    with st.spinner(text):
        return work()


HEAVY_DRAWS = 100_000  # above this a run is heavy: queued, drawn in the worker process with progress
HEAVY_PER_OWNER = 2  # heavy runs queued or running per user or client link (and one per browser session)
HEAVY_BUDGET_BYTES = 16 * 2**20  # finished heavy runs' summaries kept (a few kB each)
RESULTS = BoundedResults(HEAVY_BUDGET_BYTES)
WORKER = Worker()  # heavy runs are drawn beside the server, not under its interpreter lock


def _keep(key: tuple, result: Any) -> None:
    """Keep a finished heavy job's result in `RESULTS`, on its key, by its size: the Monte
    Carlo page's (summary, value of information), or anything with `nbytes` (the Budget
    planner's plan risk). The queue keeps it as the job ends, before any waiter is told, so a
    rerun that asks again finds it instead of drawing it a second time."""
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], Summary):
        RESULTS.put(key, result, result[0].nbytes + 64 * len(result[1].partial))
    else:
        RESULTS.put(key, result, int(result.nbytes))


# one heavy run at a time on the whole server (one per core would starve everyone else's
# reruns), in turn by user: components/work/heavy_runs.py
QUEUE = HeavyQueue(
    WORKER, per_owner=HEAVY_PER_OWNER, alive=session_alive, keep=_keep, kept=lambda key: RESULTS.get(key)
)


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
    on_join: Callable[[], None] | None = None,
    who: Requester | None = None,
    late_after: int | None = None,
) -> Summary:
    """What the Monte Carlo page shows of a run (`calculators.simulation.Summary`), cached on
    exactly its inputs: a payback target or an option shown never redraws.

    Up to 10^5 draws: the summary of the shared cached run. Above (a heavy run): drawn and
    summarised in chunks in the worker process, with what finding out is worth over its
    first 10^5 draws (`heavy_value`), `progress` told after each chunk; only the summary and
    the value (a few kB, not the 72 MB of 10^6 draws) come back. Heavy runs go through
    `QUEUE`, for `who` (this session and its user, `components.session.requester`): one at a
    time on the server, in turn by user (`on_wait` is told while another run goes first); a
    run already queued or running is joined (`on_join`); one run per session (asking for
    another drops this session's earlier one), `HEAVY_PER_OWNER` per user or client link:
    beyond, `TooMany` is raised and nothing is queued. A run that ends is kept, even if its
    session left; a run nobody waits for any more is stopped at its next chunk."""
    key = _key(scenario, draws, seed, distribution, overrides)
    if draws <= HEAVY_DRAWS:
        return _summary(key, late_after)
    found = RESULTS.get(key)
    if found is not None:
        return found[0]
    who = requester() if who is None else who

    def drawn() -> Summary:
        ticket = QUEUE.request(
            key, summary_and_value, scenario, draws, seed, distribution, dict(overrides),
            session=who.session, owner=who.owner,
        )  # fmt: skip
        if ticket.joined and on_join is not None:
            on_join()
        return QUEUE.wait(ticket, progress, on_wait)[0]

    try:
        return drawn()
    except Cancelled:  # taken for gone while it still waits (a dropped connection): asked again, once
        return drawn()


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


WAITING = (
    "Other large simulations are running on this server; yours starts at its turn, shared fairly with them."
)
JOINED = "Already running — you'll see it here"  # a run this session (or another tab) asked for before
TOO_MANY = (
    "You already have {limit} large simulations running on this server (in other tabs or windows), "
    "so this one was not started: to keep the server fair to everyone, ask again when one of them "
    "has finished (their results stay ready), or choose 100,000 draws or fewer for an answer now."
)


def shown_run(
    scenario: Scenario,
    draws: int,
    seed: int,
    distribution: Distribution,
    overrides: Mapping[str, tuple[float, float]],
    late_after: int | None = None,
) -> Summary:
    """`run_summary` on the page (`late_after`: the payback target it shows): a heavy run shows one line where it stands, the progress bar
    (headed `JOINED` when the run was already asked for), replaced by `WAITING` while another
    user's run has the server's turn, and gone with the answer; a run up to 10^5 draws shows
    nothing (it is cached, or a spinner). A request beyond this user's limit shows `TOO_MANY`
    in its place and stops the page (or page part) there: nothing below needs a run it lacks."""
    if draws <= HEAVY_DRAWS:
        return run_summary(scenario, draws, seed, distribution, overrides, late_after=late_after)
    try:
        return with_progress_line(
            f"{draws:,} scenarios",
            lambda **told: run_summary(scenario, draws, seed, distribution, overrides, **told),
        )
    except TooMany:
        st.stop()
        raise  # not reached: st.stop ends the run


def with_progress_line(what: str, draw: Callable[..., T]) -> T:
    """`draw(progress=, on_wait=, on_join=)` (a heavy run through `QUEUE`) with one line on the
    page where it stands: the progress bar "Drawing <what>…" (headed `JOINED` when the run was
    asked for already), replaced by `WAITING` while another user's run has the worker's turn,
    gone with the answer; beyond this user's limit, `TOO_MANY` in its place and `TooMany`
    raised (the caller decides what the page does without the run)."""
    line = st.empty()
    drawing = [f"Drawing {what}…"]
    line.progress(0.0, text=drawing[0])

    def joined() -> None:
        drawing[0] = f"{JOINED}: drawing {what}…"
        line.progress(0.0, text=drawing[0])

    try:
        result = draw(
            progress=lambda done: line.progress(done, text=drawing[0]),
            on_wait=lambda: line.info(WAITING, icon=":material/hourglass_top:"),
            on_join=joined,
        )
    except TooMany as refused:
        line.warning(TOO_MANY.format(limit=refused.limit), icon=":material/hourglass_disabled:")
        raise
    line.empty()
    return result
