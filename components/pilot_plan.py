"""The Pilot planner's pilot, read from its page settings, and what it is worth: one
definition for the Pilot planner's section "Is the pilot worth it?" and for the verdict
every screen states (`components.answer`).

The pilot's learners per arm are what the user can enrol, or else the plan's sample size
(whole teams when teams are randomised); the effect it measures, its direction and arm A's
rate are the page's settings. Its worth is computed on the scenario as the sidebar holds it:
a pilot of a benefit stream the scenario does not count cannot change the choice.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from calculators.information_value import PILOT_SIZES, VALUE_DRAWS, PilotValue, pilot_values
from calculators.pilot import EFFECTS, cluster_plan, design_effect, noninferiority_sample_size, sample_size
from calculators.ranges import ranges_key
from calculators.scenario import Scenario
from calculators.verdict import PilotPlan, Simulation
from components.page_state import page_settings
from components.simulation_cache import HEAVY_DRAWS, cached_monte_carlo


def planned_learners(settings: object) -> int | None:
    """Learners per arm the Pilot page plans: what can be enrolled, else its sample size
    (in whole teams when teams are randomised); None when no size can answer its question."""
    enrol = int(settings.pilot_enrol)  # type: ignore[attr-defined]
    if enrol > 0:
        return enrol
    s = settings
    baseline, target = s.pilot_baseline_pct / 100, s.pilot_target_pct / 100  # type: ignore[attr-defined]
    try:
        if s.pilot_design == "no worse":  # type: ignore[attr-defined]
            n = noninferiority_sample_size(
                baseline,
                target,
                s.pilot_margin_pct / 100,
                float(s.pilot_alpha_noninferiority),
                float(s.pilot_power),  # type: ignore[attr-defined]
            )
        else:
            n = sample_size(baseline, target, float(s.pilot_alpha), float(s.pilot_power))  # type: ignore[attr-defined]
    except ValueError:
        return None
    if n is None:
        return None
    if s.pilot_cluster:  # type: ignore[attr-defined]
        return cluster_plan(n, int(s.pilot_team_size), float(s.pilot_icc)).learners  # type: ignore[attr-defined]
    return n


def plan_from(settings: object) -> PilotPlan | None:
    """The pilot the Pilot page's settings describe; None when it has no learners."""
    per_arm = planned_learners(settings)
    if not per_arm:
        return None
    s = settings
    effect = EFFECTS[s.pilot_effect]  # type: ignore[attr-defined]
    clustered = bool(s.pilot_cluster)  # type: ignore[attr-defined]
    de = design_effect(int(s.pilot_team_size), float(s.pilot_icc)) if clustered else 1.0  # type: ignore[attr-defined]
    return PilotPlan(effect.field, effect.direction, s.pilot_baseline_pct / 100, int(per_arm), float(de))  # type: ignore[attr-defined]


def current_pilot(scenario: Scenario) -> PilotPlan | None:  # noqa: ARG001 - the plan is the page's, not the scenario's
    """The Pilot planner's pilot as the session's settings describe it."""
    return plan_from(page_settings())


def pilot_sizes(plan: PilotPlan) -> tuple[int, ...]:
    """The sizes tried: the standard ladder and the planned size."""
    return tuple(sorted({*PILOT_SIZES, int(plan.per_arm)} - {0}))


@st.cache_data(max_entries=16, show_spinner="Working out what a pilot could learn…")
def _cached(
    scenario_json: str, field: str, direction: int, baseline: float, sizes: tuple[int, ...], draws: int, seed: int,
    distribution: str, ranges: tuple, de: float,
) -> list[PilotValue]:  # fmt: skip
    scenario = Scenario.model_validate_json(scenario_json)
    known = None
    if draws <= HEAVY_DRAWS:  # the verdict's own run (cached): its NPVs, not a second evaluation
        known = cached_monte_carlo(scenario, draws, seed, distribution, dict(ranges)).npv  # type: ignore[arg-type]
    return pilot_values(
        scenario, field, direction, baseline, sizes, draws, seed, distribution, dict(ranges), de,  # type: ignore[arg-type]
        known_npv=known,
    )  # fmt: skip


def cached_pilot_values(
    scenario: Scenario, plan: PilotPlan, simulation: Simulation, ranges: Mapping[str, tuple[float, float]]
) -> list[PilotValue]:
    """Each size's worth and cost (`calculators.information_value.pilot_values`) over the
    link's simulation settings (at most `VALUE_DRAWS` draws, as the value of information
    beside a heavy run), cached on everything it depends on."""
    return _cached(
        scenario.model_dump_json(), plan.field, plan.direction, plan.baseline, pilot_sizes(plan),
        min(simulation.draws, VALUE_DRAWS), simulation.seed, simulation.distribution, ranges_key(ranges),
        plan.design_effect,
    )  # fmt: skip
