"""The answer a scenario gives, computed once per run and read by every screen that states it.

The Executive summary, ROI & payback, Monte Carlo, the Pilot planner and the PDF brief say
the same verdict in the same words because they read the same `Answer`: returns as claimed
and defensible, the screen's basis, the verdict over every option and not training, and
the chance of loss, from the same Monte Carlo run (the link's draws, distribution and seed,
within the user's ranges) and the Pilot planner's pilot. `answer_of` is pure (no Streamlit: the brief runs it in a worker thread);
`the_answer` is the app's, with the session's ranges and the shared cached run.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from calculators.kept import Kept
from calculators.model import Option
from calculators.ranges import ranges_key
from calculators.roi import Returns, all_returns
from calculators.scenario import Scenario
from calculators.simulation import monte_carlo
from calculators.verdict import (
    DEFAULT_SIMULATION,
    SUMMARY_DRAWS,  # the default draws and seed, as every screen's caller names them
    SUMMARY_SEED,
    Decision,
    PilotPlan,
    PilotWorth,
    Simulation,
    decide,
)
from components.session.page_settings import page_settings
from components.session.ranges import current_ranges
from components.words.messages import decision_headline
from components.work.pilot_plan import cached_pilot_values, pilot_values_now, plan_from
from components.work.simulation_cache import HEAVY_DRAWS, cached_monte_carlo, shown_run

__all__ = [
    "SUMMARY_DRAWS", "SUMMARY_SEED", "Answer", "PilotPlan", "Simulation", "answer_later", "answer_of", "the_answer",
]  # fmt: skip


@dataclass(frozen=True)
class Answer:
    """Everything the headline rests on, for one scenario. The returns on the other basis than
    the screen's are worked out when first read (`claimed`, `defensible`): the verdict reads
    the screen's only, and most pages state nothing else."""

    scenario: Scenario
    decision: Decision
    chance_of_loss: dict[Option, float]
    simulation: Simulation = DEFAULT_SIMULATION
    pilot_plan: PilotPlan | None = None  # the Pilot planner's pilot the verdict weighed

    @property
    def screen(self) -> dict[Option, Returns]:
        """Returns on the screen's basis: defensible when Conservative is on, as claimed otherwise."""
        return self.defensible if self.scenario.conservative else self.claimed

    @cached_property
    def claimed(self) -> dict[Option, Returns]:
        """Every option's returns as claimed (`claimed_and_defensible`)."""
        return all_returns(claimed_scenario(self.scenario))

    @cached_property
    def defensible(self) -> dict[Option, Returns]:
        """Every option's returns, defensible (`claimed_and_defensible`)."""
        return all_returns(defensible_scenario(self.scenario))

    @property
    def option(self) -> Option:
        """The option the tiles are about: the training option with the highest expected NPV."""
        return self.decision.leading

    @property
    def headline(self) -> str:
        return decision_headline(self.decision, self.scenario)


def claimed_scenario(scenario: Scenario) -> Scenario:
    """The scenario as claimed: Conservative off, on the screen's cost basis (fully loaded when
    Conservative is on)."""
    return scenario.with_changes(
        conservative=False, fully_loaded=scenario.fully_loaded or scenario.conservative
    )


def defensible_scenario(scenario: Scenario) -> Scenario:
    """The scenario as defensible: Conservative on (which counts costs fully loaded)."""
    return scenario.with_changes(conservative=True)


def screen_scenario(scenario: Scenario) -> Scenario:
    """The scenario on the screen's basis: defensible when Conservative is on, as claimed otherwise."""
    return defensible_scenario(scenario) if scenario.conservative else claimed_scenario(scenario)


def claimed_and_defensible(scenario: Scenario) -> tuple[dict[Option, Returns], dict[Option, Returns]]:
    """Every option's returns as claimed (Conservative off, on the screen's cost basis: fully
    loaded when Conservative is on) and defensible (Conservative on).

    >>> claimed, defensible = claimed_and_defensible(Scenario())
    >>> claimed[Option.MICRO].npv > defensible[Option.MICRO].npv
    True
    """
    return all_returns(claimed_scenario(scenario)), all_returns(defensible_scenario(scenario))


Simulate = Callable[..., Any]  # (scenario, draws, seed, distribution, ranges) -> MonteCarlo | Summary
Pilots = Callable[[Scenario, PilotPlan, Simulation, Mapping[str, tuple[float, float]]], Sequence[PilotWorth]]


def answer_of(
    scenario: Scenario,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    simulate: Simulate = monte_carlo,
    simulation: Simulation = DEFAULT_SIMULATION,
    pilot: PilotPlan | None = None,
    pilots: Pilots | None = None,
) -> Answer:
    """The answer for `scenario` on its own basis: the verdict (`calculators.verdict.decide`)
    over every option and not training, on the expected net present values and chances of
    loss of `simulate`'s run with `simulation`'s settings within `ranges`, and the pilot
    `pilot` valued by `pilots` (sizes tried, each with its worth and cost).

    >>> a = answer_of(Scenario())
    >>> a.decision.advice, a.option.label, a.chance_of_loss[a.option] < 0.05
    ('go', 'Microlearning', True)
    """
    screen = all_returns(screen_scenario(scenario))  # the other basis's: when the answer's are read
    ranges = dict(ranges or {})
    run = simulate(scenario, simulation.draws, simulation.seed, simulation.distribution, ranges)
    loss = {o: run.probability_loss(o) for o in Option}
    tried = tuple(pilots(scenario, pilot, simulation, ranges)) if pilot is not None and pilots else ()
    decision = decide(
        {o: run.expected_npv(o) for o in Option},
        {o: r.costs for o, r in screen.items()},
        scenario.close_call_pct,
        loss,
        tried,
    )
    return Answer(scenario, decision, loss, simulation, pilot)


def simulation_of(settings: Any) -> Simulation:
    """The Monte Carlo settings a session's page settings hold (the Monte Carlo page's)."""
    return Simulation(int(settings.mc_draws), str(settings.mc_distribution), int(settings.mc_seed))


def current_simulation() -> Simulation:
    """The link's Monte Carlo settings (the Monte Carlo page's), as the session holds them."""

    return simulation_of(page_settings())


KEPT_ANSWERS = 64
_KEPT: Kept[tuple[Any, ...], Answer] = Kept(KEPT_ANSWERS)


def clear_answers() -> None:
    """Forget every kept answer (tests: each starts as a fresh server would)."""
    _KEPT.clear()


def _kept_key(scenario: Scenario) -> tuple[tuple[Any, ...], dict[str, tuple[float, float]], Simulation, Any]:
    settings, ranges = page_settings(), current_ranges()
    simulation, plan = simulation_of(settings), plan_from(settings)
    return (scenario, ranges_key(ranges), simulation, plan), ranges, simulation, plan


def answer_later(scenario: Scenario) -> Callable[[], Answer]:
    """The answer `the_answer` gives, for a download made later: the kept one when this run has
    it already (the pages that state a verdict), else worked out when the file is asked for,
    with no Streamlit call (a page with no verdict of its own draws no run for its buttons).
    A heavy run (over 10^5 draws) is the page's: drawn now, through `the_answer`."""
    key, ranges, simulation, plan = _kept_key(scenario)
    kept = _KEPT.get(key)
    if kept is not None or simulation.draws > HEAVY_DRAWS:
        answer = kept or the_answer(scenario)
        return lambda: answer
    # the shared cached run (no Streamlit in it), kept like `the_answer`'s for the next click
    work = functools.partial(
        answer_of, scenario, ranges, cached_monte_carlo, simulation, plan, pilot_values_now
    )
    return lambda: _KEPT.put(key, work())


def the_answer(scenario: Scenario) -> Answer:
    """The answer for `scenario` on screen: the session's ranges and simulation settings, the
    shared cached run, and the Pilot planner's pilot. The page settings are read once; an
    answer is kept for the last 64 inputs (it is a pure function of them: the page and its
    download panel ask for the same one in a run).

    The run is the link's: a heavy one (a million draws) is drawn on whichever verdict page
    asks first, so it shows where it stands there as on Monte Carlo (`shown_run`: the progress
    bar, or the note while another user's heavy run has the server's turn), not a blank page."""

    key, ranges, simulation, plan = _kept_key(scenario)
    # up to 10^5 draws the shared cached run itself (its mean NPVs and losses, no summary to build);
    # a heavy run through `shown_run` (its summary, with the progress line)
    simulate = cached_monte_carlo if simulation.draws <= HEAVY_DRAWS else shown_run
    return _KEPT.get_or_put(
        key, lambda: answer_of(scenario, ranges, simulate, simulation, plan, cached_pilot_values)
    )
